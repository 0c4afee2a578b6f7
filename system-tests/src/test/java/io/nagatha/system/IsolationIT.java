package io.nagatha.system;

import static io.nagatha.system.GatewayCluster.as;
import static io.nagatha.system.GatewayCluster.newSession;
import static io.nagatha.system.GatewayCluster.ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.nagatha.testing.SseClient;
import io.nagatha.testing.WsClient;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Acceptance 3: user B can neither read nor post to user A's session, history, memory, usage or
 * events — over REST, SSE or WebSocket, on either replica — and learns nothing about whether it
 * exists; an admin can do all of it.
 */
@ExtendWith(GatewayCluster.Extension.class)
class IsolationIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final GatewayCluster cluster = GatewayCluster.get();
    private String userA;
    private String keyA;
    private String keyB;
    private String sessionA;

    @BeforeEach
    void twoUsersAndASessionOfA() {
        long n = System.nanoTime();
        userA = "u_iso_a_" + n;
        keyA = cluster.newUserKey(userA);
        keyB = cluster.newUserKey("u_iso_b_" + n);
        sessionA = newSession(cluster.a, keyA, "cli");
        as(cluster.a, keyA).contentType(ContentType.JSON).body(Map.of("content", "A's secret"))
                .post("/api/v1/sessions/{id}/messages?wait=30", sessionA).then().statusCode(200);
        as(cluster.a, keyA).contentType(ContentType.JSON).body(Map.of("value", "A's fact")).put("/api/v1/memory/facts/secret")
                .then().statusCode(200);
    }

    private static ValidatableResponse notFound(ValidatableResponse response) {
        return response.statusCode(404).contentType("application/problem+json").body("code", equalTo("session_not_found"));
    }

    private static ValidatableResponse forbidden(ValidatableResponse response) {
        return response.statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"));
    }

    @Test
    void userBCannotReadOrWriteAnythingOfUserAOverRest() {
        for (String base : new String[] {cluster.a, cluster.b}) {
            notFound(as(base, keyB).get("/api/v1/sessions/{id}", sessionA).then());
            notFound(as(base, keyB).get("/api/v1/sessions/{id}/messages", sessionA).then());
            notFound(as(base, keyB).contentType(ContentType.JSON).body(Map.of("content", "B writes"))
                    .post("/api/v1/sessions/{id}/messages", sessionA).then());
            notFound(as(base, keyB).contentType(ContentType.JSON).body(Map.of("title", "B's now")).patch("/api/v1/sessions/{id}", sessionA).then());
            notFound(as(base, keyB).delete("/api/v1/sessions/{id}", sessionA).then());
            notFound(as(base, keyB).contentType(ContentType.JSON).body(Map.of("interface", "web"))
                    .post("/api/v1/sessions/{id}/interfaces", sessionA).then());
            notFound(as(base, keyB).delete("/api/v1/sessions/{id}/interfaces/cli", sessionA).then());
            notFound(as(base, keyB).get("/api/v1/sessions/{id}/events", sessionA).then());
            notFound(as(base, keyB).queryParam("sessionId", sessionA).get("/api/v1/usage").then());
            // An unknown id answers exactly the same: B cannot tell that A's session exists.
            notFound(as(base, keyB).get("/api/v1/sessions/s_nosuchsession").then());

            forbidden(as(base, keyB).queryParam("user", userA).get("/api/v1/sessions").then());
            forbidden(as(base, keyB).queryParam("user", userA).get("/api/v1/usage").then());
            forbidden(as(base, keyB).queryParam("user", userA).get("/api/v1/memory/facts").then());
            forbidden(as(base, keyB).queryParam("user", userA).get("/api/v1/memory/facts/secret").then());
            forbidden(as(base, keyB).queryParam("user", userA).contentType(ContentType.JSON).body(Map.of("value", "overwritten"))
                    .put("/api/v1/memory/facts/secret").then());
            forbidden(as(base, keyB).queryParam("user", userA).delete("/api/v1/memory/facts/secret").then());
            forbidden(as(base, keyB).header("X-Nagatha-Identity", "discord:1").get("/api/v1/sessions").then());

            // B's own views hold nothing of A's.
            as(base, keyB).get("/api/v1/sessions").then().statusCode(200).body("items.id", not(hasItem(sessionA)));
            as(base, keyB).get("/api/v1/memory/facts").then().statusCode(200).body("items.key", not(hasItem("secret")));
            as(base, keyB).get("/api/v1/usage").then().statusCode(200).body("turns", equalTo(0));
        }
        // Nothing B tried changed A's session.
        as(cluster.a, keyA).get("/api/v1/sessions/{id}", sessionA).then().statusCode(200)
                .body("active", equalTo(true)).body("title", equalTo(null)).body("interfaces.type", contains("cli"))
                .body("messageCount", equalTo(2));
        as(cluster.a, keyA).get("/api/v1/memory/facts/secret").then().statusCode(200).body("value", equalTo("A's fact"));
    }

    @Test
    void userBCannotFollowUserAsEventsOverSseOrWebSocket() throws Exception {
        for (String base : new String[] {cluster.a, cluster.b}) {
            HttpResponse<String> sse = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(base + "/api/v1/sessions/" + sessionA + "/events?access_token=" + keyB))
                    .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(sse.statusCode()).isEqualTo(404);
            assertThat(sse.body()).contains("session_not_found");
            for (String query : new String[] {"", "since=0-0", "interface=web"}) {
                try (WsClient client = WsClient.connect(ws(base, sessionA, keyB, query))) {
                    assertThat(client.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4404);
                    assertThat(client.frames()).isEmpty();
                }
            }
        }
        // B's socket on its own session never carries A's events.
        String sessionB = newSession(cluster.b, keyB, "cli");
        try (WsClient bSocket = WsClient.connect(ws(cluster.b, sessionB, keyB, "since=0-0"))) {
            as(cluster.a, keyA).contentType(ContentType.JSON).body(Map.of("content", "A again"))
                    .post("/api/v1/sessions/{id}/messages?wait=30", sessionA).then().statusCode(200);
            await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> !bSocket.frames().isEmpty());
            assertThat(bSocket.frames()).allSatisfy(f -> assertThat(f.path("sessionId").asText()).isIn(sessionB, ""));
            assertThat(bSocket.frames().toString()).doesNotContain("A again").doesNotContain("A's secret");
        }
    }

    @Test
    void anAdminCanReadAndActOnUserAsData() throws IOException {
        String admin = cluster.adminKey();
        as(cluster.b, admin).get("/api/v1/sessions/{id}", sessionA).then().statusCode(200).body("userId", equalTo(userA));
        as(cluster.b, admin).get("/api/v1/sessions/{id}/messages", sessionA).then().statusCode(200)
                .body("items.content", hasItem("A's secret"));
        as(cluster.b, admin).queryParam("user", userA).get("/api/v1/sessions").then().statusCode(200).body("items.id", hasItem(sessionA));
        as(cluster.b, admin).queryParam("user", userA).get("/api/v1/memory/facts/secret").then().statusCode(200)
                .body("value", equalTo("A's fact"));
        // The user's totals are counted by the agent just after it wrote the turn's end, which ended the wait.
        await("A's turn counted").atMost(WAIT).untilAsserted(() ->
                as(cluster.b, admin).queryParam("user", userA).get("/api/v1/usage").then().statusCode(200).body("turns", equalTo(1)));
        as(cluster.b, admin).queryParam("sessionId", sessionA).get("/api/v1/usage").then().statusCode(200).body("turns", equalTo(1));
        try (SseClient sse = SseClient.connect(cluster.b + "/api/v1/sessions/" + sessionA + "/events?access_token=" + admin, "0-0");
                WsClient socket = WsClient.connect(ws(cluster.a, sessionA, admin, "since=0-0&interface=ops"))) {
            await().atMost(WAIT).until(() -> sse.events().stream().anyMatch(e -> e.event().equals("turn.completed"))
                    && socket.frames().stream().anyMatch(f -> f.path("type").asText().equals("turn.completed")));
            socket.send(Map.of("type", "message", "content", "an admin writes"));
            await().atMost(WAIT).until(() -> sse.events().stream().anyMatch(e -> e.event().equals("turn.accepted")
                    && e.data().at("/data/content").asText().equals("an admin writes")));
        }
    }
}
