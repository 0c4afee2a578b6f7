package io.nagatha.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.containsStringIgnoringCase;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.RedisServer;
import io.nagatha.testing.SseClient;
import io.nagatha.testing.WsClient;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The walking skeleton end to end: gateway, session, pool and agent services as four separate JVM
 * processes on one redis-server, the language model faked over its real HTTP protocol.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TurnFlowIT {

    private static final Duration TURN = Duration.ofSeconds(30);

    static RedisServer redis;
    static FakeOpenAi llm;
    static NagathaProcesses nagatha;

    @BeforeAll
    static void startEverything() {
        redis = RedisServer.start();
        llm = FakeOpenAi.start();
        nagatha = new NagathaProcesses(redis).start(model());
        RestAssured.baseURI = nagatha.gatewayUrl();
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + nagatha.adminKey()).build();
    }

    @AfterAll
    static void stopEverything() {
        RestAssured.requestSpecification = null;
        if (nagatha != null) {
            nagatha.close();
        }
        if (llm != null) {
            llm.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void aTurnReachesSseAndWebSocketClientsInOrderAndLandsInHistory() {
        String session = createSession("cli");
        try (SseClient sse = SseClient.connect(nagatha.gatewayUrl() + "/api/v1/sessions/" + session + "/events?access_token=" + nagatha.adminKey(), null);
                WsClient ws = WsClient.connect(wsUrl(session) + "&interface=web")) {
            await("session.attached on the WebSocket").atMost(TURN).until(() -> !ws.frames().isEmpty());
            assertThat(ws.frames().get(0).get("type").asText()).isEqualTo("session.attached");
            assertThat(ws.frames().get(0).at("/data/session/id").asText()).isEqualTo(session);

            ExtractableResponse<Response> posted = given().contentType(ContentType.JSON)
                    .body(Map.of("content", "hello from the terminal", "interface", "cli"))
                    .post("/api/v1/sessions/{id}/messages", session)
                    .then().statusCode(202).body("turnId", startsWith("t_")).body("messageId", startsWith("m_"))
                    .extract();
            String turnId = posted.path("turnId");
            String expected = "Hello from the fake model. You said: hello from the terminal";

            await("turn.completed on SSE").atMost(TURN).until(() -> sseTypes(sse, turnId).contains("turn.completed"));
            await("turn.completed on the WebSocket").atMost(TURN).until(() -> wsTypes(ws, turnId).contains("turn.completed"));

            assertTurnSequence(sseTypes(sse, turnId));
            assertTurnSequence(wsTypes(ws, turnId));
            List<JsonNode> sseEvents = sse.events().stream().map(SseClient.Received::data)
                    .filter(d -> turnId.equals(d.path("turnId").asText())).toList();
            List<JsonNode> wsEvents = ws.frames().stream().filter(f -> turnId.equals(f.path("turnId").asText())).toList();
            // Both clients got the very same events: same ids, same order.
            assertThat(ids(sseEvents)).isEqualTo(ids(wsEvents)).isSorted();
            assertThat(sse.events().stream().filter(e -> e.data().path("turnId").asText().equals(turnId)))
                    .allSatisfy(e -> {
                        assertThat(e.id()).isEqualTo(e.data().get("id").asText());
                        assertThat(e.event()).isEqualTo(e.data().get("type").asText());
                    });
            assertThat(sseEvents.get(0).at("/data/content").asText()).isEqualTo("hello from the terminal");
            assertThat(sseEvents.get(0).at("/data/messageId").asText()).isEqualTo(posted.path("messageId"));
            assertThat(deltas(sseEvents)).isEqualTo(expected);
            assertThat(deltas(wsEvents)).isEqualTo(expected);
            assertThat(message(sseEvents).at("/data/message/content").asText()).isEqualTo(expected);
        }

        given().get("/api/v1/sessions/{id}/messages", session).then().statusCode(200)
                .body("items.role", org.hamcrest.Matchers.contains("user", "assistant"))
                .body("items[0].content", equalTo("hello from the terminal"))
                .body("items[0].interface", equalTo("cli"))
                .body("items[1].content", equalTo("Hello from the fake model. You said: hello from the terminal"))
                .body("items[1].turnId", notNullValue());
        given().get("/api/v1/sessions/{id}", session).then().statusCode(200)
                .body("messageCount", equalTo(2))
                .body("usage.completionTokens", org.hamcrest.Matchers.greaterThan(0));
    }

    @Test
    @Order(2)
    void waitReturnsTheReplyAndAnIdempotencyKeyNeverStartsASecondTurn() {
        String session = createSession("cli");
        Map<String, String> body = Map.of("content", "just once", "idempotencyKey", "retry-123");
        String turnId = given().contentType(ContentType.JSON).body(body)
                .post("/api/v1/sessions/{id}/messages?wait=30", session)
                .then().statusCode(200)
                .body("reply.role", equalTo("assistant"))
                .body("reply.content", equalTo("Hello from the fake model. You said: just once"))
                .extract().path("turnId");
        given().contentType(ContentType.JSON).body(body).post("/api/v1/sessions/{id}/messages?wait=30", session)
                .then().statusCode(200).body("turnId", equalTo(turnId))
                .body("reply.content", equalTo("Hello from the fake model. You said: just once"));
        given().get("/api/v1/sessions/{id}/messages", session).then().body("items.size()", equalTo(2));
    }

    @Test
    @Order(3)
    void badInputGetsProblemDetailsNeverA5xx() {
        String session = createSession("cli");
        given().get("/api/v1/sessions/s_nosuchsession").then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("session_not_found"));
        given().contentType(ContentType.JSON).body(Map.of("content", "hi"))
                .post("/api/v1/sessions/s_nosuchsession/messages").then().statusCode(404).body("code", equalTo("session_not_found"));
        given().contentType(ContentType.JSON).body(Map.of("content", ""))
                .post("/api/v1/sessions/{id}/messages", session).then().statusCode(400).body("code", equalTo("validation_failed"));
        given().contentType(ContentType.JSON).body(Map.of("content", "x".repeat(32_769)))
                .post("/api/v1/sessions/{id}/messages", session).then().statusCode(413).body("code", equalTo("payload_too_large"));
        given().contentType(ContentType.JSON).body(Map.of("content", "hi"))
                .post("/api/v1/sessions/{id}/messages?wait=500", session).then().statusCode(400).body("code", equalTo("validation_failed"));
        given().contentType(ContentType.JSON).body("{\"content\": ").post("/api/v1/sessions/{id}/messages", session)
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        given().contentType(ContentType.JSON).body(Map.of("mode", "new")).post("/api/v1/sessions")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        given().contentType(ContentType.JSON).body(Map.of("content", 123)).post("/api/v1/sessions/{id}/messages", session)
                .then().statusCode(400).body("detail", equalTo("'content' has the wrong type"));
        given().contentType(ContentType.JSON).body("[1, 2]").post("/api/v1/sessions/{id}/messages", session)
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("validation_failed"));
        given().contentType(ContentType.JSON).body("{\"content\": \"" + "x".repeat(300_000) + "\"}")
                .post("/api/v1/sessions/{id}/messages", session)
                .then().statusCode(413).contentType("application/problem+json").body("code", equalTo("payload_too_large"));
        given().contentType(ContentType.TEXT).body("hello").post("/api/v1/sessions/{id}/messages", session)
                .then().statusCode(415).body("code", equalTo("unsupported_media_type"));
        given().get("/api/v1/no-such-thing").then().statusCode(404).contentType("application/problem+json");
        // Nothing of the above started a turn.
        given().get("/api/v1/sessions/{id}/messages", session).then().body("items.size()", equalTo(0));
        try (WsClient ws = WsClient.connect(wsUrl("s_nosuchsession"))) {
            assertThat(ws.closeCode().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join()).isEqualTo(4404);
        }
    }

    @Test
    @Order(4)
    void aTurnPostedWhileTheAgentIsDownIsAnsweredOnceItIsBack() {
        String session = createSession("cli");
        nagatha.agent().kill();
        assertThat(nagatha.agent().isAlive()).isFalse();

        String turnId = given().contentType(ContentType.JSON).body(Map.of("content", "are you there?"))
                .post("/api/v1/sessions/{id}/messages", session).then().statusCode(202).extract().path("turnId");
        // No agent runs: the turn waits on the stream, accepted and nothing more.
        try (SseClient sse = SseClient.connect(nagatha.gatewayUrl() + "/api/v1/sessions/" + session + "/events?access_token=" + nagatha.adminKey(), "0-0")) {
            await().atMost(TURN).until(() -> sseTypes(sse, turnId).contains("turn.accepted"));
            assertThat(sseTypes(sse, turnId)).containsExactly("turn.accepted");
            given().get("/api/v1/status").then().body("queues.turns.length", org.hamcrest.Matchers.greaterThan(0));

            nagatha.restartAgent(model());

            await("the queued turn answered").atMost(TURN).until(() -> sseTypes(sse, turnId).contains("turn.completed"));
            assertTurnSequence(sseTypes(sse, turnId));
        }
        given().get("/api/v1/sessions/{id}/messages", session).then()
                .body("items.content", org.hamcrest.Matchers.contains("are you there?",
                        "Hello from the fake model. You said: are you there?"));
    }

    @Test
    @Order(5)
    void withNoModelConfiguredATurnCompletesWithInstructions() {
        nagatha.restartAgent(Map.of());
        String session = createSession("cli");
        given().contentType(ContentType.JSON).body(Map.of("content", "hello?"))
                .post("/api/v1/sessions/{id}/messages?wait=30", session)
                .then().statusCode(200)
                .body("reply.content", startsWith("I can't answer yet: no language model is configured"))
                .body("reply.content", containsString("NAGATHA_LLM_BASE_URL"));
    }

    @Test
    @Order(6)
    void everyServiceReportsRedisInReadinessAndServesPrometheusMetrics() {
        nagatha.all().forEach((name, service) -> {
            given().baseUri(service.url()).get("/q/health/ready").then().statusCode(200)
                    .body("status", equalTo("UP"))
                    .body("checks.name", hasItem(containsStringIgnoringCase("redis")));
            given().baseUri(service.url()).accept("text/plain").get("/q/metrics").then().statusCode(200)
                    .contentType(startsWith("text/plain"))
                    .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
        });
        await("every service in status").atMost(TURN).untilAsserted(() -> given().get("/api/v1/status").then().statusCode(200)
                .body("status", equalTo("ok"))
                .body("services.gateway.size()", equalTo(1))
                .body("services.sessionService.size()", equalTo(1))
                .body("services.poolService.size()", equalTo(1))
                .body("services.agentService.size()", equalTo(1))
                .body("queues.turns.pending", equalTo(0)));
    }

    @Test
    @Order(7)
    void readinessGoesDownWhileRedisIsUnreachableAndLivenessStaysUp() {
        redis.close();
        nagatha.all().forEach((name, service) -> {
            await(name + " not ready without Redis").atMost(TURN).untilAsserted(() ->
                    given().baseUri(service.url()).get("/q/health/ready").then().statusCode(503)
                            .body("status", equalTo("DOWN")));
            given().baseUri(service.url()).get("/q/health/live").then().statusCode(200);
        });
    }

    private static Map<String, String> model() {
        return Map.of("nagatha.llm.base-url", llm.baseUrl(), "nagatha.llm.api-key", "sk-test", "nagatha.llm.model", "gpt-4o-mini");
    }

    private static String createSession(String iface) {
        return given().contentType(ContentType.JSON).body(Map.of("interface", iface, "mode", "new"))
                .post("/api/v1/sessions").then().statusCode(201).body("id", startsWith("s_")).extract().path("id");
    }

    private static String wsUrl(String session) {
        return nagatha.gatewayUrl().replace("http://", "ws://") + "/ws/v1/sessions/" + session + "?access_token=" + nagatha.adminKey();
    }

    private static List<String> sseTypes(SseClient sse, String turnId) {
        return sse.events().stream().filter(e -> turnId.equals(e.data().path("turnId").asText())).map(SseClient.Received::event).toList();
    }

    private static List<String> wsTypes(WsClient ws, String turnId) {
        return ws.frames().stream().filter(f -> turnId.equals(f.path("turnId").asText())).map(f -> f.get("type").asText()).toList();
    }

    /** turn.accepted, turn.started, one or more message.delta, message, turn.completed — nothing else, in that order. */
    private static void assertTurnSequence(List<String> types) {
        assertThat(types).hasSizeGreaterThanOrEqualTo(5);
        assertThat(types.subList(0, 2)).containsExactly("turn.accepted", "turn.started");
        assertThat(types.subList(2, types.size() - 2)).isNotEmpty().allMatch(Predicate.isEqual("message.delta"));
        assertThat(types.subList(types.size() - 2, types.size())).containsExactly("message", "turn.completed");
    }

    private static List<String> ids(List<JsonNode> events) {
        return events.stream().map(e -> e.get("id").asText()).toList();
    }

    private static String deltas(List<JsonNode> events) {
        return events.stream().filter(e -> e.get("type").asText().equals("message.delta"))
                .map(e -> e.at("/data/text").asText()).collect(Collectors.joining());
    }

    private static JsonNode message(List<JsonNode> events) {
        return events.stream().filter(e -> e.get("type").asText().equals("message")).findFirst().orElseThrow();
    }
}
