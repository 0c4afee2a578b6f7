package io.nagatha.agent.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventTypes;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With no model configured the agent still completes every turn, with instructions as the reply. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class NoModelTurnTest {

    @Inject
    RedisDataSource redis;

    TurnFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new TurnFixtures(redis);
    }

    @Test
    void aTurnCompletesWithTheNoModelReply() {
        String session = fixtures.session();
        TurnRequest turn = fixtures.post(session, "hello?");

        List<Event> events = fixtures.awaitFinished(turn);

        // The gateway's accept step never ran: the agent accepted the turn itself, so it is shown all the same.
        assertThat(TurnFixtures.types(events)).containsExactly(EventTypes.TURN_ACCEPTED,
                EventTypes.TURN_STARTED, EventTypes.MESSAGE_DELTA, EventTypes.MESSAGE, EventTypes.TURN_COMPLETED);
        assertThat(events.get(0).data().get("content").asText()).isEqualTo("hello?");
        assertThat(events.get(1).data().get("attempt").asInt()).isEqualTo(1);
        assertThat(events.get(1).data().has("rerun")).isFalse();
        assertThat(events.get(2).data().get("text").asText()).isEqualTo(TurnRunner.NO_MODEL_REPLY);
        assertThat(events.get(3).data().at("/message/content").asText())
                .startsWith("I can't answer yet: no language model is configured")
                .contains("NAGATHA_LLM_BASE_URL", "NAGATHA_LLM_MODEL", "NAGATHA_LLM_API_KEY", "Ollama", "/help");
        assertThat(events.get(3).data().at("/message/role").asText()).isEqualTo("assistant");
        assertThat(events.get(4).data().at("/usage/promptTokens").asInt()).isZero();

        assertThat(fixtures.history(session)).extracting(Message::role, Message::content)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("user", "hello?"),
                        org.assertj.core.groups.Tuple.tuple("assistant", TurnRunner.NO_MODEL_REPLY));
        assertThat(redis.hash(String.class).hget(Keys.session(session), "messageCount")).isEqualTo("2");
        await().atMost(Duration.ofSeconds(10)).until(() -> fixtures.pendingTurns() == 0);
        // Finished turns are deleted from the stream, which then holds only waiting and running ones.
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.stream(String.class).xlen(Keys.TURNS) == 0);
    }

    @Test
    void aTurnDeliveredTwiceIsAnsweredOnce() {
        String session = fixtures.session();
        TurnRequest turn = fixtures.post(session, "only once, please");
        fixtures.awaitFinished(turn);

        fixtures.redeliver(turn);
        TurnRequest marker = fixtures.post(session, "and this one after it");
        fixtures.awaitFinished(marker);

        assertThat(TurnFixtures.types(fixtures.eventsOf(turn))).containsExactly(EventTypes.TURN_ACCEPTED,
                EventTypes.TURN_STARTED, EventTypes.MESSAGE_DELTA, EventTypes.MESSAGE, EventTypes.TURN_COMPLETED);
        assertThat(fixtures.history(session)).hasSize(4);
    }

    @Test
    void anUnreadableEntryGoesToTheDeadLetterStreamAndIsAcknowledged() {
        long before = redis.stream(String.class).xlen(Keys.TURNS_DEAD_LETTER);
        redis.stream(String.class).xadd(Keys.TURNS, Map.of("turn", "{not json"));

        await().atMost(Duration.ofSeconds(10)).until(() -> redis.stream(String.class).xlen(Keys.TURNS_DEAD_LETTER) == before + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> fixtures.pendingTurns() == 0);
    }
}
