package io.nagatha.gateway.stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventTypes;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Keys;
import io.nagatha.support.redis.SessionEventWriter;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.XTrimArgs;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RedisTestResource.class)
class SessionEventFanoutTest {

    @Inject
    SessionEventFanout fanout;

    @Inject
    SessionEventWriter writer;

    @Inject
    RedisDataSource redis;

    @Test
    void liveEventsReachEveryWatcherOfTheirSessionInOrder() {
        String session = Ids.session();
        String other = Ids.session();
        List<String> a = new CopyOnWriteArrayList<>();
        List<String> b = new CopyOnWriteArrayList<>();
        List<String> c = new CopyOnWriteArrayList<>();
        try (var s1 = fanout.subscribe(session, null, e -> a.add(text(e)));
                var s2 = fanout.subscribe(session, null, e -> b.add(text(e)));
                var s3 = fanout.subscribe(other, null, e -> c.add(text(e)))) {
            IntStream.range(0, 50).forEach(i -> writer.append(Event.delta(session, "t_1", "d" + i)));
            writer.append(Event.delta(other, "t_2", "elsewhere"));

            List<String> expected = IntStream.range(0, 50).mapToObj(i -> "d" + i).toList();
            await().atMost(Duration.ofSeconds(10)).until(() -> a.size() == 50 && b.size() == 50 && c.size() == 1);
            assertThat(a).containsExactlyElementsOf(expected);
            assertThat(b).containsExactlyElementsOf(expected);
            assertThat(c).containsExactly("elsewhere");
        }
    }

    @Test
    void aWatcherThatComesBackGetsWhatItMissedOnceThenLiveEvents() {
        String session = Ids.session();
        String last = null;
        for (int i = 0; i < 3; i++) {
            last = writer.append(Event.delta(session, "t_1", "before" + i));
        }
        for (int i = 0; i < 3; i++) {
            writer.append(Event.delta(session, "t_1", "missed" + i));
        }
        List<String> got = new CopyOnWriteArrayList<>();
        try (var s = fanout.subscribe(session, last, e -> got.add(text(e)))) {
            writer.append(Event.delta(session, "t_1", "live"));
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() >= 4);
            assertThat(got).containsExactly("missed0", "missed1", "missed2", "live");
        }
    }

    @Test
    void resumingFromBeforeTrimmedEventsSaysSoThenSendsWhatIsKept() {
        String session = Ids.session();
        writer.append(Event.delta(session, "t_1", "soon trimmed"));
        String kept = writer.append(Event.delta(session, "t_1", "kept"));
        redis.stream(String.class).xtrim(Keys.events(session), new XTrimArgs().minid(kept));
        List<Event> got = new CopyOnWriteArrayList<>();
        try (var s = fanout.subscribe(session, "1-0", got::add)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() >= 2);
        }
        assertThat(got.get(0).type()).isEqualTo(EventTypes.RESUME_GAP);
        assertThat(got.get(0).data().get("since").asText()).isEqualTo("1-0");
        assertThat(got.get(0).data().get("oldest").asText()).isEqualTo(kept);
        assertThat(text(got.get(1))).isEqualTo("kept");

    }

    @Test
    void resumingFromTheStartOfAStreamThatLostNothingIsNoGap() {
        String session = Ids.session();
        writer.append(Event.delta(session, "t_1", "one"));
        writer.append(Event.delta(session, "t_1", "two"));
        List<Event> got = new CopyOnWriteArrayList<>();
        try (var s = fanout.subscribe(session, "0-0", got::add)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() >= 2);
        }
        assertThat(got).extracting(SessionEventFanoutTest::text).containsExactly("one", "two");
    }

    @Test
    void aClosedSubscriptionGetsNothingMore() {
        String session = Ids.session();
        List<String> got = new CopyOnWriteArrayList<>();
        var subscription = fanout.subscribe(session, null, e -> got.add(text(e)));
        writer.append(Event.delta(session, "t_1", "one"));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        subscription.close();
        assertThat(fanout.watchedSessions()).isZero();

        List<String> later = new CopyOnWriteArrayList<>();
        try (var s = fanout.subscribe(session, null, e -> later.add(text(e)))) {
            writer.append(Event.delta(session, "t_1", "two"));
            await().atMost(Duration.ofSeconds(10)).until(() -> later.size() == 1);
        }
        assertThat(got).containsExactly("one");
    }

    @Test
    void readinessReportsRedisAndMetricsArePrometheusText() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", org.hamcrest.Matchers.hasItem(org.hamcrest.Matchers.containsStringIgnoringCase("redis")));
        given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }

    private static String text(Event event) {
        return event.data().get("text").asText();
    }
}
