package io.nagatha.system;

import static io.nagatha.system.GatewayCluster.as;
import static io.nagatha.system.GatewayCluster.newSession;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.nagatha.testing.SseClient;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Acceptance 1: every route of API.md through the running gateway (with session-service, pool,
 * agent and Redis), its success answer with the contract's field names and status, and each error
 * the contract documents for it, as a problem document with its code. (Turn cancel is the agent
 * issue's route; the Discord endpoint the Discord issue's.)
 */
@ExtendWith(GatewayCluster.Extension.class)
class ApiContractIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final GatewayCluster cluster = GatewayCluster.get();
    private final String admin = cluster.adminKey();

    private RequestSpecification user(String key) {
        return as(cluster.a, key).contentType(ContentType.JSON);
    }

    private static ValidatableResponse problem(ValidatableResponse response, int status, String code) {
        return response.statusCode(status).contentType("application/problem+json")
                .body("status", equalTo(status)).body("code", equalTo(code))
                .body("type", startsWith("https://")).body("title", notNullValue()).body("detail", notNullValue());
    }

    @Test
    void status() {
        String key = cluster.newUserKey("u_status");
        // Replicas are listed while they beat (every 2 s, gone after 3 missed): a loaded machine can miss one for a moment.
        await("both gateways listed").atMost(WAIT).untilAsserted(() -> user(key).get("/api/v1/status").then().statusCode(200)
                .body("status", anyOf(equalTo("ok"), equalTo("degraded"))).body("version", notNullValue())
                .body("services", hasKey("gateway")).body("services", hasKey("sessionService"))
                .body("services", hasKey("poolService")).body("services", hasKey("agentService"))
                .body("services.gateway.size()", greaterThanOrEqualTo(2))
                .body("services.gateway[0]", hasKey("id")).body("services.gateway[0]", hasKey("startedAt"))
                .body("services.gateway[0]", hasKey("lastSeen"))
                .body("sessions.active", greaterThanOrEqualTo(0))
                .body("queues.turns", hasKey("length")).body("queues.turns", hasKey("pending"))
                .body("queues.toolCalls", hasKey("length")).body("queues.toolCalls", hasKey("pending"))
                .body("mcp.servers", greaterThanOrEqualTo(0))
                .body("mcp.byState.keySet()", contains("idle", "busy", "error", "closed"))
                .header("RateLimit-Limit", notNullValue()).header("RateLimit-Remaining", notNullValue()));
        problem(given().baseUri(cluster.a).get("/api/v1/status").then(), 401, "unauthorized").header("WWW-Authenticate", "Bearer");
    }

    @Test
    void sessionsCreateContinueGetPatchListAndEnd() {
        String key = cluster.newUserKey("u_sessions_" + System.nanoTime());
        String id = user(key).body(Map.of("interface", "cli", "mode", "new", "title", "First")).post("/api/v1/sessions")
                .then().statusCode(201)
                .body("id", startsWith("s_")).body("userId", startsWith("u_sessions_")).body("title", equalTo("First"))
                .body("active", equalTo(true)).body("turnPolicy", equalTo("queue")).body("createdAt", notNullValue())
                .body("lastActivity", notNullValue()).body("expiresAt", notNullValue())
                .body("interfaces.type", contains("cli")).body("interfaces[0]", hasKey("attachedAt"))
                .body("messageCount", equalTo(0)).body("relatedSessions.size()", equalTo(0))
                .body("usage.promptTokens", equalTo(0)).body("usage.completionTokens", equalTo(0)).body("usage.toolCalls", equalTo(0))
                .extract().path("id");
        // continue: the active session, whatever interface used it, with this one attached
        user(key).body(Map.of("interface", "discord")).post("/api/v1/sessions").then().statusCode(200)
                .body("id", equalTo(id)).body("interfaces.type", contains("cli", "discord"));
        problem(user(key).body(Map.of("mode", "new")).post("/api/v1/sessions").then(), 400, "validation_failed");
        problem(user(key).body(Map.of("interface", "cli", "mode", "sideways")).post("/api/v1/sessions").then(), 400, "validation_failed");

        user(key).get("/api/v1/sessions/{id}", id).then().statusCode(200).body("id", equalTo(id));
        problem(user(key).get("/api/v1/sessions/s_doesnotexist").then(), 404, "session_not_found");

        user(key).body(Map.of("title", "Renamed", "turnPolicy", "reject")).patch("/api/v1/sessions/{id}", id).then().statusCode(200)
                .body("title", equalTo("Renamed")).body("turnPolicy", equalTo("reject"));
        user(key).body(Map.of("title", "")).patch("/api/v1/sessions/{id}", id).then().statusCode(200).body("title", nullValue());
        problem(user(key).body(Map.of("turnPolicy", "sometimes")).patch("/api/v1/sessions/{id}", id).then(), 400, "validation_failed");
        problem(user(key).body(Map.of("title", "x")).patch("/api/v1/sessions/s_doesnotexist").then(), 404, "session_not_found");

        String second = newSession(cluster.a, key, "web");
        user(key).queryParam("limit", 1).get("/api/v1/sessions").then().statusCode(200)
                .body("items.id", contains(second)).body("nextCursor", notNullValue());
        String cursor = user(key).queryParam("limit", 1).get("/api/v1/sessions").then().extract().path("nextCursor");
        user(key).queryParam("limit", 1).queryParam("cursor", cursor).get("/api/v1/sessions").then().statusCode(200)
                .body("items.id", contains(id));
        user(key).queryParam("interface", "discord").get("/api/v1/sessions").then().body("items.id", contains(id));
        problem(user(key).queryParam("limit", 0).get("/api/v1/sessions").then(), 400, "validation_failed");
        problem(user(key).queryParam("cursor", "nonsense").get("/api/v1/sessions").then(), 400, "validation_failed");
        problem(user(key).queryParam("user", "u_someone_else").get("/api/v1/sessions").then(), 403, "forbidden");
        String owner = user(key).get("/api/v1/sessions/{id}", id).then().extract().path("userId");
        as(cluster.a, admin).queryParam("user", owner).get("/api/v1/sessions").then().statusCode(200).body("items.id", hasItem(id));

        user(key).delete("/api/v1/sessions/{id}", id).then().statusCode(204);
        user(key).get("/api/v1/sessions/{id}", id).then().statusCode(200).body("active", equalTo(false));
        user(key).queryParam("active", "true").get("/api/v1/sessions").then().body("items.id", not(hasItem(id)));
        problem(user(key).body(Map.of("content", "hello?")).post("/api/v1/sessions/{id}/messages", id).then(), 409, "session_ended");
        problem(user(key).body(Map.of("interface", "web")).post("/api/v1/sessions/{id}/interfaces", id).then(), 409, "session_ended");
        problem(user(key).delete("/api/v1/sessions/s_doesnotexist").then(), 404, "session_not_found");
        // continue gives the active session (the newest); once that ended, a fresh one that names it
        user(key).body(Map.of("interface", "cli")).post("/api/v1/sessions").then().statusCode(200).body("id", equalTo(second));
        user(key).delete("/api/v1/sessions/{id}", second).then().statusCode(204);
        user(key).body(Map.of("interface", "cli")).post("/api/v1/sessions").then().statusCode(201)
                .body("relatedSessions", hasItem(second));
    }

    @Test
    void interfacesAttachAndDetach() {
        String key = cluster.newUserKey("u_interfaces_" + System.nanoTime());
        String id = newSession(cluster.a, key, "cli");
        user(key).body(Map.of("interface", "discord", "context", Map.of("channel", "123"))).post("/api/v1/sessions/{id}/interfaces", id)
                .then().statusCode(200).body("interfaces.type", contains("cli", "discord"))
                .body("interfaces[1].context.channel", equalTo("123"));
        user(key).delete("/api/v1/sessions/{id}/interfaces/discord", id).then().statusCode(200)
                .body("interfaces.type", contains("cli"));
        problem(user(key).body(Map.of("interface", "NOT VALID")).post("/api/v1/sessions/{id}/interfaces", id).then(), 400, "validation_failed");
        problem(user(key).body(Map.of("interface", "web")).post("/api/v1/sessions/s_doesnotexist/interfaces").then(), 404, "session_not_found");
        problem(user(key).delete("/api/v1/sessions/s_doesnotexist/interfaces/web").then(), 404, "session_not_found");
    }

    @Test
    void messagesTurnsHistoryAndEvents() {
        String key = cluster.newUserKey("u_messages_" + System.nanoTime());
        String id = newSession(cluster.a, key, "cli");
        try (SseClient sse = SseClient.connect(cluster.a + "/api/v1/sessions/" + id + "/events?access_token=" + key, null)) {
            String turnId = user(key).body(Map.of("content", "first", "interface", "cli")).post("/api/v1/sessions/{id}/messages", id)
                    .then().statusCode(202).body("turnId", startsWith("t_")).body("messageId", startsWith("m_"))
                    .body("$", not(hasKey("reply"))).extract().path("turnId");
            await().atMost(WAIT).until(() -> sse.events().stream().anyMatch(e -> e.event().equals("turn.completed")
                    && e.data().path("turnId").asText().equals(turnId)));
            List<SseClient.Received> ofTurn = sse.events().stream().filter(e -> turnId.equals(e.data().path("turnId").asText())).toList();
            FanoutIT.assertTurnSequence(ofTurn.stream().map(SseClient.Received::event).toList());
            assertThat(ofTurn).allSatisfy(e -> {
                assertThat(e.id()).isEqualTo(e.data().get("id").asText());
                assertThat(e.data().get("sessionId").asText()).isEqualTo(id);
                assertThat(e.data().has("at")).isTrue();
                assertThat(e.data().has("data")).isTrue();
            });
            assertThat(ofTurn.get(1).data().at("/data/attempt").asInt()).isEqualTo(1);
            assertThat(ofTurn.get(ofTurn.size() - 1).data().at("/data/usage").has("promptTokens")).isTrue();

            // Last-Event-ID replays what followed that id, then goes on live
            String afterAccepted = ofTurn.get(0).id();
            try (SseClient resumed = SseClient.connect(cluster.b + "/api/v1/sessions/" + id + "/events?access_token=" + key, afterAccepted)) {
                await().atMost(WAIT).until(() -> resumed.events().size() >= ofTurn.size() - 1);
                assertThat(resumed.events().subList(0, ofTurn.size() - 1)).extracting(SseClient.Received::id)
                        .isEqualTo(ofTurn.subList(1, ofTurn.size()).stream().map(SseClient.Received::id).toList());
            }
        }
        // wait: the reply in the same call; an idempotency key returns the first turn
        String waited = user(key).body(Map.of("content", "second", "idempotencyKey", "k-1")).post("/api/v1/sessions/{id}/messages?wait=30", id)
                .then().statusCode(200).body("reply.role", equalTo("assistant")).body("reply.content", containsString("second"))
                .body("reply.turnId", notNullValue()).body("reply.id", notNullValue()).body("reply.createdAt", notNullValue())
                .extract().path("turnId");
        user(key).body(Map.of("content", "second", "idempotencyKey", "k-1")).post("/api/v1/sessions/{id}/messages", id)
                .then().statusCode(202).body("turnId", equalTo(waited));

        user(key).get("/api/v1/sessions/{id}/messages", id).then().statusCode(200)
                .body("items.role", contains("user", "assistant", "user", "assistant"))
                .body("items[0].content", equalTo("first")).body("items[0].interface", equalTo("cli"))
                .body("items[1]", hasKey("turnId")).body("items[1]", hasKey("createdAt")).body("items[1]", hasKey("id"))
                .body("nextCursor", nullValue());
        String before = user(key).queryParam("limit", 2).get("/api/v1/sessions/{id}/messages", id).then().statusCode(200)
                .body("items.content", hasItem(containsString("second"))).body("nextCursor", notNullValue()).extract().path("nextCursor");
        user(key).queryParam("limit", 2).queryParam("before", before).get("/api/v1/sessions/{id}/messages", id).then()
                .body("items.content", contains(equalTo("first"), containsString("first")));
        problem(user(key).queryParam("limit", 201).get("/api/v1/sessions/{id}/messages", id).then(), 400, "validation_failed");
        problem(user(key).queryParam("before", "yesterday").get("/api/v1/sessions/{id}/messages", id).then(), 400, "validation_failed");
        problem(user(key).get("/api/v1/sessions/s_doesnotexist/messages").then(), 404, "session_not_found");

        problem(user(key).body(Map.of("content", "")).post("/api/v1/sessions/{id}/messages", id).then(), 400, "validation_failed");
        problem(user(key).body(Map.of("content", "x".repeat(32_769))).post("/api/v1/sessions/{id}/messages", id).then(), 413,
                "payload_too_large");
        user(key).body(Map.of("content", "y".repeat(32_768))).post("/api/v1/sessions/{id}/messages", id).then().statusCode(202);
        problem(user(key).body(Map.of("content", "hi")).post("/api/v1/sessions/{id}/messages?wait=121", id).then(), 400, "validation_failed");
        problem(user(key).body(Map.of("content", "hi")).post("/api/v1/sessions/s_doesnotexist/messages").then(), 404, "session_not_found");
        problem(user(key).get("/api/v1/sessions/s_doesnotexist/events").then(), 404, "session_not_found");
        problem(user(key).header("Last-Event-ID", "not-an-id").get("/api/v1/sessions/{id}/events", id).then(), 400, "validation_failed");
    }

    @Test
    void toolsMcpServersAndUsage() {
        String key = cluster.newUserKey("u_tools_" + System.nanoTime());
        await("the pool's catalogue").atMost(Duration.ofSeconds(60)).until(() -> user(key).get("/api/v1/tools")
                .then().extract().jsonPath().getList("items.name").contains("echo"));
        user(key).get("/api/v1/tools").then().statusCode(200)
                .body("items.server", everyItem(equalTo("everything")))
                .body("items[0]", hasKey("description")).body("items[0]", hasKey("inputSchema"));
        as(cluster.a, admin).contentType(ContentType.JSON).body(Map.of("arguments", Map.of("message", "contract")))
                .post("/api/v1/tools/everything/echo/calls").then().statusCode(200)
                .body("ok", equalTo(true)).body("isError", equalTo(false)).body("ms", greaterThanOrEqualTo(0))
                .body("content[0].text", containsString("contract"));
        problem(user(key).body(Map.of("arguments", Map.of())).post("/api/v1/tools/everything/echo/calls").then(), 403, "forbidden");
        problem(as(cluster.a, admin).contentType(ContentType.JSON).body(Map.of("arguments", Map.of()))
                .post("/api/v1/tools/everything/no_such_tool/calls").then(), 404, "tool_not_found");
        problem(as(cluster.a, admin).contentType(ContentType.JSON).body(Map.of("arguments", List.of(1)))
                .post("/api/v1/tools/everything/echo/calls").then(), 400, "validation_failed");

        await().atMost(WAIT).untilAsserted(() -> user(key).get("/api/v1/mcp/servers").then().statusCode(200)
                .body("items.name", hasItem("everything")).body("items[0]", hasKey("transport")).body("items[0]", hasKey("state"))
                .body("items[0]", hasKey("tools")).body("items[0]", hasKey("lastHealthCheck"))
                .body("items[0].connections.size()", greaterThan(0))
                .body("items[0].connections[0]", hasKey("useCount")).body("items[0].connections[0]", hasKey("errorCount")));
        problem(user(key).post("/api/v1/mcp/servers/everything/restart").then(), 403, "forbidden");
        problem(as(cluster.a, admin).post("/api/v1/mcp/servers/no-such-server/restart").then(), 404, "not_found");
        as(cluster.a, admin).post("/api/v1/mcp/servers/everything/restart").then().statusCode(202);

        String id = newSession(cluster.a, key, "cli");
        user(key).body(Map.of("content", "count me")).post("/api/v1/sessions/{id}/messages?wait=30", id).then().statusCode(200);
        user(key).queryParam("sessionId", id).get("/api/v1/usage").then().statusCode(200)
                .body("turns", equalTo(1)).body("tokens.prompt", greaterThan(0)).body("tokens.completion", greaterThan(0))
                .body("tools", notNullValue());
        // The user's totals are counted by the agent just after it wrote the turn's end (the session's in the same step).
        await("the user's turn counted").atMost(WAIT).untilAsserted(() ->
                user(key).get("/api/v1/usage").then().statusCode(200).body("turns", greaterThanOrEqualTo(1)));
        problem(user(key).queryParam("user", "u_someone_else").get("/api/v1/usage").then(), 403, "forbidden");
        String other = newSession(cluster.a, cluster.newUserKey("u_tools_other_" + System.nanoTime()), "cli");
        problem(user(key).queryParam("sessionId", other).get("/api/v1/usage").then(), 404, "session_not_found");
        as(cluster.a, admin).queryParam("sessionId", id).get("/api/v1/usage").then().statusCode(200).body("turns", equalTo(1));
    }

    @Test
    void memory() {
        String userId = "u_memory_" + System.nanoTime();
        String key = cluster.newUserKey(userId);
        user(key).body(Map.of("value", "Lisbon")).put("/api/v1/memory/facts/city").then().statusCode(200)
                .body("key", equalTo("city")).body("value", equalTo("Lisbon"));
        user(key).body(Map.of("value", Map.of("tone", "brief"), "ttlSeconds", 60)).put("/api/v1/memory/temporary/style").then()
                .statusCode(200).body("expiresAt", notNullValue());
        user(key).get("/api/v1/memory/facts").then().statusCode(200).body("items.key", contains("city"))
                .body("items[0]", hasKey("expiresAt"));
        user(key).get("/api/v1/memory/facts/city").then().statusCode(200).body("value", equalTo("Lisbon"));
        user(key).delete("/api/v1/memory/facts/city").then().statusCode(204);
        problem(user(key).get("/api/v1/memory/facts/city").then(), 404, "not_found");
        problem(user(key).delete("/api/v1/memory/facts/city").then(), 404, "not_found");
        problem(user(key).get("/api/v1/memory/no_such_section").then(), 400, "validation_failed");
        problem(user(key).body(Map.of("value", "x", "ttlSeconds", -1)).put("/api/v1/memory/facts/k").then(), 400, "validation_failed");
        problem(user(key).queryParam("user", "u_someone_else").get("/api/v1/memory/facts").then(), 403, "forbidden");
        as(cluster.a, admin).queryParam("user", userId).get("/api/v1/memory/temporary").then().statusCode(200)
                .body("items.key", contains("style"));
    }

    @Test
    void identitiesAndLinking() {
        String userId = "u_link_" + System.nanoTime();
        String key = cluster.newUserKey(userId);
        user(key).get("/api/v1/identities").then().statusCode(200).body("userId", equalTo(userId));
        String code = user(key).post("/api/v1/identities/link-codes").then().statusCode(200)
                .body("code", notNullValue()).body("expiresAt", notNullValue()).extract().path("code");
        problem(user(key).body(Map.of("code", "WRONGCODE1", "identity", "discord:1" + System.nanoTime()))
                .post("/api/v1/identities/link").then(), 400, "link_code_invalid");
        problem(user(key).body(Map.of("code", code, "identity", "discord:9" + System.nanoTime())).post("/api/v1/identities/link").then(),
                403, "forbidden");
        String identity = "discord:7" + System.nanoTime();
        as(cluster.a, admin).contentType(ContentType.JSON).body(Map.of("code", code, "identity", identity))
                .post("/api/v1/identities/link").then().statusCode(200)
                .body("userId", equalTo(userId)).body("identities", hasItem(identity));
        problem(as(cluster.a, admin).contentType(ContentType.JSON).body(Map.of("code", code, "identity", "discord:8" + System.nanoTime()))
                .post("/api/v1/identities/link").then(), 400, "link_code_invalid");
    }

    @Test
    void keys() {
        String created = as(cluster.a, admin).contentType(ContentType.JSON).body(Map.of("userId", "u_keys", "name", "laptop"))
                .post("/api/v1/keys").then().statusCode(201)
                .body("id", notNullValue()).body("key", startsWith("nag_")).body("userId", equalTo("u_keys"))
                .body("name", equalTo("laptop")).body("admin", equalTo(false)).extract().path("key");
        String id = as(cluster.a, created).get("/api/v1/identities").then().statusCode(200).extract().path("userId");
        assertThat(id).isEqualTo("u_keys");
        as(cluster.a, admin).get("/api/v1/keys").then().statusCode(200).body("items.name", hasItem("laptop"))
                .body("items", everyItem(not(hasKey("key")))).body("items", everyItem(not(hasKey("hash"))));
        String keyId = as(cluster.a, admin).get("/api/v1/keys").then().extract().jsonPath()
                .getString("items.find { it.name == 'laptop' }.id");
        problem(as(cluster.a, created).get("/api/v1/keys").then(), 403, "forbidden");
        problem(as(cluster.a, created).contentType(ContentType.JSON).body(Map.of("userId", "u_x", "name", "n")).post("/api/v1/keys").then(),
                403, "forbidden");
        problem(as(cluster.a, admin).contentType(ContentType.JSON).body(Map.of("name", "no user")).post("/api/v1/keys").then(),
                400, "validation_failed");
        as(cluster.a, admin).delete("/api/v1/keys/{id}", keyId).then().statusCode(204);
        problem(as(cluster.a, admin).delete("/api/v1/keys/{id}", keyId).then(), 404, "not_found");
        problem(as(cluster.a, created).get("/api/v1/identities").then(), 401, "unauthorized");
    }

    @Test
    void healthMetricsAndTheOpenApiDocument() {
        given().baseUri(cluster.a).get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().baseUri(cluster.a).get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().baseUri(cluster.a).accept("text/plain").get("/q/metrics").then().statusCode(200)
                .body(containsString("nagatha_websocket_clients")).body(containsString("nagatha_sse_clients"))
                .body(containsString("nagatha_rate_limited_total"));
        given().baseUri(cluster.a).queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths", hasKey("/api/v1/sessions/{id}/messages"));
        given().baseUri(cluster.a).get("/q/swagger-ui/").then().statusCode(200);
    }
}
