package io.nagatha.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nagatha.contracts.ApiKey;
import io.nagatha.contracts.ApiKeys;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.testing.RedisTestResource;
import io.nagatha.testing.WsClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The per-user request budget at the door, on real Redis, with a small budget: 5 at once, then one
 * every 5 seconds. Refusals are 429 problems with Retry-After; every answer says what is left.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@TestProfile(RateLimitTest.SmallBudget.class)
class RateLimitTest {

    /** One emission interval (60 s / 12): the budget gains a request each time this passes. */
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("nagatha.gateway.rate-limit.requests.limit", "12", "nagatha.gateway.rate-limit.requests.period", "1m",
                    "nagatha.gateway.rate-limit.requests.burst", "5");
        }
    }

    @Inject
    RedisDataSource redis;

    @TestHTTPResource("/")
    URI base;

    @Test
    void aBurstBeyondTheBudgetIsRefusedWithRetryAfterAndOtherUsersAreNotTouched() {
        String key = storeKey(Ids.user());
        List<Integer> statuses = new ArrayList<>();
        List<String> remaining = new ArrayList<>();
        Response refused = null;
        long start = System.nanoTime();
        for (int i = 0; i < 8; i++) {
            Response response = given().header("Authorization", "Bearer " + key).get("/api/v1/status");
            statuses.add(response.statusCode());
            remaining.add(response.header("RateLimit-Remaining"));
            if (response.statusCode() == 429 && refused == null) {
                refused = response;
            }
        }
        withinIntervals(start, 1);
        assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 429, 429, 429);
        assertThat(remaining.subList(0, 5)).containsExactly("4", "3", "2", "1", "0");
        refused.then().contentType("application/problem+json").body("code", equalTo("rate_limited"))
                .body("status", equalTo(429)).body("detail", startsWith("too many requests"))
                .header("RateLimit-Limit", "5");
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 5L);

        // Another user has a budget of their own.
        given().header("Authorization", "Bearer " + storeKey(Ids.user())).get("/api/v1/status").then().statusCode(200);
    }

    @Test
    void theBudgetRefillsAtTheSustainedRate() {
        String key = storeKey(Ids.user());
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            given().header("Authorization", "Bearer " + key).get("/api/v1/status").then().statusCode(200);
        }
        int sixth = given().header("Authorization", "Bearer " + key).get("/api/v1/status").statusCode();
        withinIntervals(start, 1);
        assertThat(sixth).isEqualTo(429);
        // Refused requests cost nothing, so polling waits out one emission interval (60 s / 12) and no more.
        await().pollInterval(Duration.ofMillis(250)).atMost(Duration.ofSeconds(15))
                .until(() -> given().header("Authorization", "Bearer " + key).get("/api/v1/status").statusCode() == 200);
        int afterRefill = given().header("Authorization", "Bearer " + key).get("/api/v1/status").statusCode();
        withinIntervals(start, 2); // the second refill comes two intervals after the first request
        assertThat(afterRefill).isEqualTo(429);
    }

    @Test
    void theStateIsOneKeyPerUserAndBudgetWithATtl() {
        String user = Ids.user();
        String key = storeKey(user);
        given().header("Authorization", "Bearer " + key).get("/api/v1/status").then().statusCode(200);
        assertThat(redis.key().pttl(Keys.rateLimit(user, "requests"))).isBetween(1L, 5_001L);
    }

    @Test
    void aWebSocketOpenSpendsTheBudgetAndIsClosedWith4429WhenItIsSpent() throws Exception {
        String key = storeKey(Ids.user());
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            given().header("Authorization", "Bearer " + key).get("/api/v1/status").then().statusCode(200);
        }
        String ws = base.toString().replace("http://", "ws://") + "ws/v1/sessions/s_x?access_token=" + key;
        try (WsClient client = WsClient.connect(ws)) {
            int code = client.closeCode().get(10, TimeUnit.SECONDS);
            withinIntervals(start, 1); // the socket was checked before its close reached us
            assertThat(code).isEqualTo(4429);
        }
    }

    @Test
    void anonymousRequestsAreUnauthorizedNotRateLimited() {
        for (int i = 0; i < 8; i++) {
            given().get("/api/v1/status").then().statusCode(401).body("code", equalTo("unauthorized"));
        }
    }

    /**
     * The budget's answers are only predictable while fewer than {@code intervals} emission intervals
     * have passed since the first request of a burst: later, one more request is rightly allowed. A
     * machine so loaded that the requests took that long cannot judge them, so the test is skipped then.
     */
    private static void withinIntervals(long startNanos, int intervals) {
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        assumeTrue(took.compareTo(INTERVAL.multipliedBy(intervals)) < 0,
                "the requests took " + took + ", over " + intervals + " emission interval(s)");
    }

    private String storeKey(String userId) {
        String id = Ids.apiKey();
        String key = ApiKeys.generate(id);
        redis.hash(String.class).hset(Keys.API_KEYS, id, Json.encode(new ApiKey(id, userId, "test", false, Instant.now(), ApiKeys.hash(key))));
        return key;
    }
}
