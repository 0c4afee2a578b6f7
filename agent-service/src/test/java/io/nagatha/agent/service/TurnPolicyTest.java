package io.nagatha.agent.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventTypes;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.support.turn.TurnLedger;
import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.FakeOpenAi.Reply;
import io.nagatha.testing.FakeOpenAiTestResource;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-session turn policy and cancel on one agent replica (TurnPolicyIT runs them with two
 * replicas and the gateway). Turns are accepted with {@link TurnLedger} as the gateway does.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(FakeOpenAiTestResource.class)
class TurnPolicyTest {

    @Inject
    RedisDataSource redis;

    @Inject
    TurnLedger ledger;

    TurnFixtures fixtures;
    FakeOpenAi fake;

    @BeforeEach
    void setUp() {
        fixtures = new TurnFixtures(redis);
        fake = FakeOpenAiTestResource.fake();
    }

    @AfterEach
    void tearDown() {
        fake.reset();
    }

    TurnRequest accept(String session, String content) {
        TurnRequest turn = new TurnRequest(Ids.turn(), session, "u_test", Ids.message(), content, "cli", Instant.now());
        fixtures.redeliver(turn);
        assertThat(ledger.accept(turn).outcome()).isEqualTo(TurnLedger.Outcome.ACCEPTED);
        return turn;
    }

    @Test
    void queuedTurnsRunOneAtATimeInTheOrderTheyWereAccepted() {
        fake.script(request -> Reply.text(FakeOpenAi.echoReply(request)).chunkDelay(Duration.ofMillis(30)));
        String session = fixtures.session("queue");
        List<TurnRequest> posted = List.of(accept(session, "one"), accept(session, "two"), accept(session, "three"));

        posted.forEach(fixtures::awaitFinished);

        List<Event> events = fixtures.events(session);
        List<String> started = events.stream().filter(e -> e.type().equals(EventTypes.TURN_STARTED)).map(Event::turnId).toList();
        assertThat(started).containsExactly(posted.get(0).turnId(), posted.get(1).turnId(), posted.get(2).turnId());
        // Never two at once: each turn ends before the next starts.
        String running = null;
        for (Event e : events) {
            if (e.type().equals(EventTypes.TURN_STARTED)) {
                assertThat(running).as("a turn started while " + running + " ran").isNull();
                running = e.turnId();
            } else if (EventTypes.isTerminal(e.type())) {
                running = null;
            }
        }
        assertThat(fixtures.history(session)).extracting(Message::content).containsExactly("one",
                "Hello from the fake model. You said: one", "two", "Hello from the fake model. You said: two", "three",
                "Hello from the fake model. You said: three");
    }

    @Test
    void rejectRefusesAMessageWhileATurnRunsAndAcceptsOnceItFinished() {
        CompletableFuture<Void> gate = FakeOpenAi.gate();
        fake.script(request -> Reply.text("done").after(gate));
        String session = fixtures.session("reject");
        TurnRequest first = accept(session, "long one");
        await().until(() -> fixtures.eventsOf(first).stream().anyMatch(e -> e.type().equals(EventTypes.TURN_STARTED)));

        TurnRequest second = new TurnRequest(Ids.turn(), session, "u_test", Ids.message(), "me too", "cli", Instant.now());
        TurnLedger.Decision refused = ledger.accept(second);

        assertThat(refused.outcome()).isEqualTo(TurnLedger.Outcome.REJECTED);
        assertThat(refused.detail()).isEqualTo(first.turnId());
        assertThat(ledger.accept(second).outcome()).as("the decision stands").isEqualTo(TurnLedger.Outcome.REJECTED);
        assertThat(fixtures.eventsOf(second)).as("a refused message is never shown").isEmpty();
        gate.complete(null);
        fixtures.awaitFinished(first);
        // Awaited so that its model request cannot land in the next test's request count.
        fixtures.awaitFinished(accept(session, "now me"));
    }

    @Test
    void interruptStopsTheRunningTurnClosesTheModelsStreamAndRunsTheNewOne() {
        fake.script(request -> FakeOpenAi.lastUserMessage(request).equals("tell me a long story")
                ? Reply.text("once upon a time ".repeat(200)).chunkDelay(Duration.ofMillis(20))
                : Reply.text("short answer"));
        String session = fixtures.session("interrupt");
        int before = fake.requests().size();
        TurnRequest story = accept(session, "tell me a long story");
        await().until(() -> fixtures.eventsOf(story).stream().anyMatch(e -> e.type().equals(EventTypes.MESSAGE_DELTA)));

        TurnRequest instead = accept(session, "never mind, something short");

        List<Event> stopped = fixtures.awaitFinished(story);
        Event failed = stopped.get(stopped.size() - 1);
        assertThat(failed.type()).isEqualTo(EventTypes.TURN_FAILED);
        assertThat(failed.data().get("code").asText()).isEqualTo("interrupted");
        assertThat(fixtures.awaitFinished(instead)).extracting(Event::type).endsWith(EventTypes.MESSAGE, EventTypes.TURN_COMPLETED);
        // The model's stream for the story was closed, not read to its end.
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.closedEarly().contains(before));
        assertThat(fixtures.history(session)).extracting(Message::content)
                .containsExactly("tell me a long story", "never mind, something short", "short answer");
    }

    @Test
    void cancelEndsARunningTurnAtItsNextStepAndAWaitingOneAtOnce() {
        fake.script(request -> Reply.text("slowly ".repeat(300)).chunkDelay(Duration.ofMillis(20)));
        String session = fixtures.session("queue");
        int before = fake.requests().size();
        TurnRequest running = accept(session, "first");
        TurnRequest waiting = accept(session, "second");
        await().until(() -> fixtures.eventsOf(running).stream().anyMatch(e -> e.type().equals(EventTypes.MESSAGE_DELTA)));

        assertThat(ledger.cancel(session, waiting.turnId())).isEqualTo(TurnLedger.Stop.STOPPED);
        assertThat(fixtures.eventsOf(waiting)).extracting(Event::type).containsExactly(EventTypes.TURN_ACCEPTED, EventTypes.TURN_FAILED);
        assertThat(ledger.cancel(session, running.turnId())).isEqualTo(TurnLedger.Stop.STOPPING);

        List<Event> events = fixtures.awaitFinished(running);
        assertThat(events.get(events.size() - 1).data().get("code").asText()).isEqualTo("cancelled");
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.closedEarly().contains(before));
        assertThat(fake.requests().size() - before).as("the cancelled waiting turn never reached the model").isEqualTo(1);
        assertThat(ledger.cancel(session, running.turnId())).isEqualTo(TurnLedger.Stop.FINISHED);
        assertThat(ledger.cancel(session, "t_unknown")).isEqualTo(TurnLedger.Stop.UNKNOWN);
        await().until(() -> !redis.key().exists(Keys.sessionLease(session)));
    }

    @Test
    void aRetriedPostWithTheSameIdempotencyKeyIsAnsweredOnce() {
        String session = fixtures.session("queue");
        TurnRequest first = new TurnRequest(Ids.turn(), session, "u_test", Ids.message(), "once", "cli", Instant.now(), "key-1");
        TurnRequest retry = new TurnRequest(Ids.turn(), session, "u_test", Ids.message(), "once", "cli", Instant.now(), "key-1");
        // Both reach the stream, as when a gateway died after queuing the first and the client retried.
        fixtures.redeliver(first);
        fixtures.redeliver(retry);

        // Workers take the two entries at once, so either may be accepted first: exactly one runs.
        TurnRequest ran = await().atMost(Duration.ofSeconds(30)).until(() -> Stream.of(first, retry)
                .filter(t -> fixtures.eventsOf(t).stream().anyMatch(e -> EventTypes.isTerminal(e.type()))).findFirst().orElse(null),
                t -> t != null);
        TurnRequest other = ran == first ? retry : first;
        TurnLedger.Decision decision = ledger.accept(other);

        assertThat(decision.outcome()).isEqualTo(TurnLedger.Outcome.DUPLICATE);
        assertThat(decision.detail()).isEqualTo(ran.turnId());
        assertThat(fixtures.eventsOf(other)).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> fixtures.pendingTurns() == 0);
        assertThat(fixtures.history(session)).hasSize(2);
    }
}
