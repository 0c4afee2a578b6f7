package io.nagatha.agent.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nagatha.agent.FakePool;
import io.nagatha.agent.ShortLimitsProfile;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventTypes;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.ToolInfo;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.FakeOpenAi.Reply;
import io.nagatha.testing.FakeOpenAiTestResource;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a turn does when the model or a tool misbehaves: every case ends the turn once, with a
 * stable code, and leaves nothing pending. Limits are short here (see {@link ShortLimitsProfile}):
 * 2 s to start answering, 1 s of silence, 2 retries, 1 s per tool call.
 */
@QuarkusTest
@TestProfile(ShortLimitsProfile.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(FakeOpenAiTestResource.class)
class LlmFailureTest {

    @Inject
    RedisDataSource redis;

    @Inject
    @RedisClientName("streams")
    RedisDataSource streams;

    TurnFixtures fixtures;
    FakeOpenAi fake;

    @BeforeEach
    void setUp() {
        fixtures = new TurnFixtures(redis);
        fake = FakeOpenAiTestResource.fake();
    }

    @AfterEach
    void nothingIsLeftPending() {
        fake.reset();
        await("no turn pending").atMost(Duration.ofSeconds(10)).until(() -> fixtures.pendingTurns() == 0);
    }

    @Test
    void aModelThatNeverStartsAnsweringFailsWithUpstreamTimeoutAndTheRequestIsClosed() {
        fake.script(request -> Reply.text("too late").headerDelay(Duration.ofSeconds(6)));
        int before = fake.requests().size();
        TurnRequest turn = fixtures.post(fixtures.session(), "hello?");

        Event failed = last(fixtures.awaitFinished(turn));

        assertThat(failed.type()).isEqualTo(EventTypes.TURN_FAILED);
        assertThat(failed.data().get("code").asText()).isEqualTo("upstream_timeout");
        assertThat(failed.data().get("message").asText()).contains("nagatha.llm.timeout");
        assertThat(fake.requests().size() - before).as("a timeout is not retried").isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.closedEarly().contains(before));
        assertThat(fixtures.history(turn.sessionId())).extracting(Message::role).containsExactly("user");
    }

    @Test
    void aStreamThatGoesSilentAfterItsHeadersFailsWithUpstreamTimeoutAndIsClosed() {
        fake.script(request -> Reply.text("one two three four five").silentAfter(2));
        int before = fake.requests().size();
        TurnRequest turn = fixtures.post(fixtures.session(), "talk to me");

        List<Event> events = fixtures.awaitFinished(turn);

        assertThat(TurnFixtures.deltas(events)).isEqualTo("one two ");
        assertThat(last(events).data().get("code").asText()).isEqualTo("upstream_timeout");
        assertThat(last(events).data().get("message").asText()).contains("nagatha.llm.idle-timeout");
        assertThat(TurnFixtures.types(events)).doesNotContain(EventTypes.MESSAGE);
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.closedEarly().contains(before));
    }

    @Test
    void aStreamCutMidBodyIsAFailureNotAnAnswer() {
        fake.script(request -> Reply.text("the answer is forty").cutAfter(2));
        TurnRequest turn = fixtures.post(fixtures.session(), "what is it?");

        List<Event> events = fixtures.awaitFinished(turn);

        assertThat(last(events).type()).isEqualTo(EventTypes.TURN_FAILED);
        assertThat(last(events).data().get("code").asText()).isEqualTo("upstream_error");
        assertThat(last(events).data().get("message").asText()).contains("cut off");
        assertThat(TurnFixtures.types(events)).doesNotContain(EventTypes.MESSAGE, EventTypes.TURN_COMPLETED);
        assertThat(fixtures.history(turn.sessionId())).extracting(Message::role).containsExactly("user");
    }

    @Test
    void aStreamThatEndsWithoutAFinishReasonIsAFailureToo() {
        fake.script(request -> Reply.text("half an answer").endAfter(2));
        TurnRequest turn = fixtures.post(fixtures.session(), "and then?");

        List<Event> events = fixtures.awaitFinished(turn);

        assertThat(last(events).data().get("code").asText()).isEqualTo("upstream_error");
        assertThat(last(events).data().get("message").asText()).contains("cut off");
        assertThat(TurnFixtures.types(events)).doesNotContain(EventTypes.MESSAGE);
    }

    @Test
    void aServerErrorIsRetriedAndTheRetryAnswers() {
        AtomicInteger calls = new AtomicInteger();
        fake.script(request -> calls.incrementAndGet() == 1 ? Reply.error(500, "server_error", "The server had an error")
                : Reply.text("fine now"));
        TurnRequest turn = fixtures.post(fixtures.session(), "try again");

        List<Event> events = fixtures.awaitFinished(turn);

        assertThat(last(events).type()).isEqualTo(EventTypes.TURN_COMPLETED);
        assertThat(TurnFixtures.deltas(events)).isEqualTo("fine now");
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void aRateLimitIsRetriedAfterTheServersRetryAfter() {
        AtomicInteger calls = new AtomicInteger();
        long[] at = new long[2];
        fake.script(request -> {
            int n = calls.incrementAndGet();
            at[Math.min(n, 2) - 1] = System.nanoTime();
            return n == 1 ? Reply.error(429, "rate_limit_error", "Rate limit reached").header("Retry-After", "1")
                    : Reply.text("after the pause");
        });
        TurnRequest turn = fixtures.post(fixtures.session(), "busy?");

        List<Event> events = fixtures.awaitFinished(turn);

        assertThat(last(events).type()).isEqualTo(EventTypes.TURN_COMPLETED);
        assertThat(calls.get()).isEqualTo(2);
        // The computed backoff here is 100 ms; only the header makes the agent wait a whole second.
        assertThat(Duration.ofNanos(at[1] - at[0])).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void aRateLimitAskingForALongerWaitThanTheTurnMayTakeFailsAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        fake.script(request -> {
            calls.incrementAndGet();
            return Reply.error(429, "rate_limit_error", "Rate limit reached").header("Retry-After", "120");
        });
        TurnRequest turn = fixtures.post(fixtures.session(), "now?");

        Event failed = last(fixtures.awaitFinished(turn));

        assertThat(failed.data().get("code").asText()).isEqualTo("rate_limited");
        assertThat(failed.data().get("message").asText()).contains("asked to wait 120 s");
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void aToolThatDoesNotAnswerInTimeIsAnErrorTheModelReads() {
        try (FakePool pool = new FakePool(redis, streams)) {
            pool.tools(new ToolInfo("slow", "wait", "never answers", null));
            pool.answer(call -> null);
            fake.script(request -> FakeOpenAi.toolResults(request).isEmpty()
                    ? Reply.toolCalls(new FakeOpenAi.ToolCall("call_1", "slow__wait", "{}"))
                    : Reply.text("The tool said: " + FakeOpenAi.toolResults(request).get(0).path("content").asText()));
            TurnRequest turn = fixtures.post(fixtures.session(), "wait for it");

            List<Event> events = fixtures.awaitFinished(turn);

            Event result = events.stream().filter(e -> e.type().equals(EventTypes.TOOL_RESULT)).findFirst().orElseThrow();
            assertThat(result.data().get("ok").asBoolean()).isFalse();
            assertThat(result.data().at("/error/code").asText()).isEqualTo("upstream_timeout");
            assertThat(last(events).type()).isEqualTo(EventTypes.TURN_COMPLETED);
            assertThat(TurnFixtures.deltas(events)).startsWith("The tool said: Error (upstream_timeout)");
            assertThat(pool.calls()).hasSize(1);
            assertThat(pool.calls().get(0).deadline()).as("the call carries the turn's deadline")
                    .isBefore(turn.acceptedAt().plus(Duration.ofMinutes(5)));
        }
    }

    @Test
    void anUnreadableEntryGoesToTheDeadLetterStreamAndIsCounted() {
        long before = redis.stream(String.class).xlen(Keys.TURNS_DEAD_LETTER);
        redis.stream(String.class).xadd(Keys.TURNS, Map.of("turn", "{\"turnId\": 42"));

        await().atMost(Duration.ofSeconds(10)).until(() -> redis.stream(String.class).xlen(Keys.TURNS_DEAD_LETTER) == before + 1);
        // The counter goes up after the entry is parked and acknowledged, so it may trail the dead-letter stream.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString())
                .containsPattern("turns_dead_lettered_total(\\{[^}]*})? [1-9]"));
    }

    private static Event last(List<Event> events) {
        return events.get(events.size() - 1);
    }
}
