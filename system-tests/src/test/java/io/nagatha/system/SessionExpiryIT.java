package io.nagatha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nagatha.contracts.Caller;
import io.nagatha.contracts.Keys;
import io.nagatha.testing.RedisServer;
import io.nagatha.testing.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Expiry with two session-service replicas whose cleanup passes run at the same time (the lease
 * that normally spaces them is off, and more passes are fired by hand at the same moment): every
 * idle session is expired exactly once, and a session kept busy is never expired.
 */
class SessionExpiryIT {

    private static final String USER = "u_expiry";
    private static final Map<String, String> SHORT_LIVED = Map.of(
            "nagatha.sessions.ttl", "3s",
            "nagatha.sessions.cleanup-interval", "300ms",
            "nagatha.sessions.cleanup-lease", "false");

    static RedisServer redis;
    static NagathaProcesses nagatha;
    static ServiceProcess first;
    static ServiceProcess second;

    @BeforeAll
    static void start() {
        nagatha = NagathaProcesses.onNewRedis();
        redis = nagatha.redis();
        first = nagatha.replica("session-service", SHORT_LIVED);
        second = nagatha.replica("session-service", SHORT_LIVED);
    }

    @AfterAll
    static void stop() {
        if (nagatha != null) {
            nagatha.close();
        }
    }

    @Test
    void idleSessionsExpireExactlyOnceAndBusyOnesLive() throws Exception {
        Http one = new Http(first.url(), Map.of(Caller.USER_HEADER, USER));
        Http two = new Http(second.url(), Map.of(Caller.USER_HEADER, USER));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Http.Reply created = (i % 2 == 0 ? one : two).post("/sessions", Map.of("userId", USER, "interface", "cli", "mode", "new"));
            assertThat(created.status()).isEqualTo(201);
            ids.add(created.body().at("/session/id").asText());
        }
        // The busy ones are the last made, right before the toucher starts: creating twenty can take
        // a good part of the 3 s TTL on a loaded machine, which the first made would not survive.
        List<String> idle = ids.subList(0, 15);
        List<String> busy = ids.subList(15, 20);

        AtomicBoolean keepBusy = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(17);
        Future<?> toucher = pool.submit(() -> {
            while (keepBusy.get()) {
                for (String id : busy) {
                    two.post("/sessions/" + id + "/activity?interface=cli", null);
                }
                await().pollDelay(Duration.ofMillis(300)).until(() -> true);
            }
        });

        // Once the idle ones are past their TTL, fire 16 passes on both replicas at once, on top of the schedule.
        await().atMost(Duration.ofSeconds(10)).until(() -> one.get("/sessions/" + idle.get(idle.size() - 1)).body()
                .path("expiresAt").asText("9").compareTo(java.time.Instant.now().toString()) < 0
                || one.get("/sessions/" + idle.get(idle.size() - 1)).status() == 404);
        List<Future<Http.Reply>> passes = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Http target = i % 2 == 0 ? one : two;
            passes.add(pool.submit(() -> target.post("/maintenance/cleanup", null)));
        }
        for (Future<Http.Reply> pass : passes) {
            assertThat(pass.get().status()).isEqualTo(200);
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String id : idle) {
                assertThat(one.get("/sessions/" + id).status()).as(id).isEqualTo(404);
            }
        });
        // A pass takes the session out of the indexes and counts it just after deleting it: the last
        // one deleted (by a scheduled pass, maybe) may not be counted yet.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(redis.command("HGET " + Keys.SESSION_STATS + " expired")).isEqualTo("15");
            assertThat(expiredCounters()).isEqualTo(15);
            assertThat(redis.command("ZCARD " + Keys.userSessions(USER))).isEqualTo("5");
        });
        for (String id : idle) {
            assertThat(redis.command("EXISTS " + Keys.session(id) + " " + Keys.events(id) + " " + Keys.sessionInterfaces(id)))
                    .isEqualTo("0");
        }
        for (String id : busy) {
            assertThat(two.get("/sessions/" + id).status()).as(id).isEqualTo(200);
        }

        keepBusy.set(false);
        toucher.get();
        pool.shutdown();
        await().atMost(Duration.ofSeconds(20)).until(() -> "20".equals(redis.command("HGET " + Keys.SESSION_STATS + " expired")));
        assertThat(redis.command("ZCARD " + Keys.LIVE_SESSIONS)).isEqualTo("0");
        assertThat(redis.command("ZCARD " + Keys.ACTIVE_SESSIONS)).isEqualTo("0");
        assertThat(redis.command("EXISTS " + Keys.userActiveSession(USER))).isEqualTo("0");
        await().atMost(Duration.ofSeconds(5)).until(() -> expiredCounters() == 20);
    }

    /** nagatha_sessions_expired_total summed over both replicas: each expiry counted by one replica only. */
    private static long expiredCounters() {
        long sum = 0;
        for (ServiceProcess replica : List.of(first, second)) {
            String metrics = new Http(replica.url(), Map.of("Accept", "text/plain")).getText("/q/metrics");
            Matcher m = Pattern.compile("(?m)^nagatha_sessions_expired_total(?:\\{[^}]*})? ([0-9.]+)").matcher(metrics);
            if (m.find()) {
                sum += (long) Double.parseDouble(m.group(1));
            }
        }
        return sum;
    }
}
