package io.nagatha.system;

import static io.nagatha.system.GatewayCluster.as;
import static io.nagatha.system.GatewayCluster.newSession;
import static io.nagatha.system.GatewayCluster.ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nagatha.testing.WsClient;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rate-limit bursts through two gateway replicas with small budgets (20 requests at once, then one
 * every 10 s; 3 turns at once, then one a minute): the budget lives in Redis, so a user bursting
 * across both replicas gets exactly one budget, not one per replica; every refusal is a 429
 * {@code rate_limited} problem with {@code Retry-After}, never a 5xx.
 */
@ExtendWith(GatewayCluster.Extension.class)
class RateLimitIT {

    static final Map<String, String> SMALL = Map.of(
            "nagatha.gateway.rate-limit.enabled", "true",
            "nagatha.gateway.rate-limit.requests.limit", "6", "nagatha.gateway.rate-limit.requests.period", "1m",
            "nagatha.gateway.rate-limit.requests.burst", "20",
            "nagatha.gateway.rate-limit.turns.limit", "1", "nagatha.gateway.rate-limit.turns.period", "1m",
            "nagatha.gateway.rate-limit.turns.burst", "3");

    private final GatewayCluster cluster = GatewayCluster.get();
    private final String c = cluster.gateway("small-budget-c", SMALL);
    private final String d = cluster.gateway("small-budget-d", SMALL);

    @Test
    void aBurstAcrossTwoReplicasDrawsOnOneBudget() {
        String key = cluster.newUserKey("u_burst_" + System.nanoTime());
        List<Response> answers = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            answers.add(as(i % 2 == 0 ? c : d, key).get("/api/v1/sessions"));
        }
        // One refills every 10 s: a burst slowed down by a loaded machine (or a replica's first
        // requests) may see more of them.
        long refills = Duration.ofNanos(System.nanoTime() - started).toSeconds() / 10;
        long allowed = answers.stream().filter(r -> r.statusCode() == 200).count();
        // 20 at once, plus at most one that refilled while the burst ran (and one per 10 s it took).
        assertThat(allowed).isBetween(20L, 21L + refills);
        assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).isIn(200, 429));
        Response refused = answers.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        refused.then().contentType("application/problem+json").body("code", org.hamcrest.Matchers.equalTo("rate_limited"));
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 10L);
        assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
        // Refused on both replicas alike.
        assertThat(answers.stream().filter(r -> r.statusCode() == 429).count()).isGreaterThanOrEqualTo(18 - refills);
        as(c, cluster.newUserKey("u_burst_other_" + System.nanoTime())).get("/api/v1/sessions").then().statusCode(200);
    }

    @Test
    void messagesBeyondTheTurnBudgetAre429OverRestAndAnErrorFrameOverAWebSocket() {
        String key = cluster.newUserKey("u_turns_" + System.nanoTime());
        String session = newSession(c, key, "cli");
        for (int i = 0; i < 3; i++) {
            as(i % 2 == 0 ? c : d, key).contentType(ContentType.JSON).body(Map.of("content", "turn " + i))
                    .post("/api/v1/sessions/{id}/messages", session).then().statusCode(202);
        }
        Response refused = as(d, key).contentType(ContentType.JSON).body(Map.of("content", "one too many"))
                .post("/api/v1/sessions/{id}/messages", session);
        refused.then().statusCode(429).contentType("application/problem+json")
                .body("code", org.hamcrest.Matchers.equalTo("rate_limited"))
                .body("detail", org.hamcrest.Matchers.startsWith("too many messages"));
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(50L, 60L);

        try (WsClient socket = WsClient.connect(ws(c, session, key, "interface=web"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !socket.frames().isEmpty());
            socket.send(Map.of("type", "message", "content", "from the socket"));
            await().atMost(Duration.ofSeconds(30)).until(() -> BadInputIT.errors(socket).contains("rate_limited"));
            assertThat(socket.frames().stream().filter(f -> f.path("type").asText().equals("error")).findFirst().orElseThrow()
                    .at("/data/retryAfter").asLong()).isPositive();
            socket.send(Map.of("type", "ping"));
            await().atMost(Duration.ofSeconds(10)).until(() -> socket.frames().stream().anyMatch(f -> f.path("type").asText().equals("pong")));
        }
        // Nothing refused was accepted: three turns, no more.
        assertThat(as(c, key).get("/api/v1/sessions/{id}/messages", session).then().extract().jsonPath()
                .getList("items.content")).doesNotContain("one too many", "from the socket");
    }

    @Test
    void aWebSocketOpenedWithASpentBudgetIsClosedWith4429() throws Exception {
        String key = cluster.newUserKey("u_ws_burst_" + System.nanoTime());
        String session = newSession(c, key, "cli");
        // Spend the budget until the next refill is at least 4 s away (Retry-After 5, rounded up), so
        // that none comes in before the socket is checked, however long spending took.
        await("the budget spent").atMost(Duration.ofSeconds(60)).until(() -> {
            Response spent = as(d, key).get("/api/v1/sessions");
            return spent.statusCode() == 429 && Long.parseLong(spent.header("Retry-After")) >= 5;
        });
        try (WsClient socket = WsClient.connect(ws(c, session, key, ""))) {
            assertThat(socket.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4429);
        }
    }
}
