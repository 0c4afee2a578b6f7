package io.nagatha.agent.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nagatha.agent.config.AgentConfig;
import io.nagatha.agent.service.TurnFixtures;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventTypes;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.StreamFields;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.nagatha.support.turn.TurnLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RedisTestResource.class)
class TurnConsumerTest {

    @Inject
    TurnConsumer consumer;

    @Inject
    AgentConfig config;

    @Inject
    RedisDataSource redis;

    @Inject
    TurnLedger ledger;

    @Test
    void losingTheConsumerGroupCostsNoWorkers() {
        redis.key().del(Keys.TURNS); // the group goes with the stream
        for (int i = 0; i < 3; i++) {
            consumer.maintain();
        }
        // The reader holds one slot while it blocks on the stream (and the scheduled maintain drains the
        // free ones for a moment), so wait for every slot but the reader's to be back: none was lost.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertThat(consumer.freeWorkers()).isGreaterThanOrEqualTo(config.concurrency() - 1));

        TurnFixtures fixtures = new TurnFixtures(redis);
        TurnRequest turn = fixtures.post(fixtures.session(), "still there?");
        assertThat(TurnFixtures.types(fixtures.awaitFinished(turn))).endsWith(EventTypes.TURN_COMPLETED);
    }

    @Test
    void aTurnLeftByADeadReplicaIsTakenOverAndAnsweredOnce() {
        TurnFixtures fixtures = new TurnFixtures(redis);
        String session = fixtures.session();
        TurnRequest turn = new TurnRequest(Ids.turn(), session, "u_test", Ids.message(), "anyone?", "cli", Instant.now());
        // A replica read the turn, accepted it, took the session's lease, started the turn (attempt 1)
        // and died: its entry stays pending under its name, its lease runs out by itself.
        ledger.accept(turn);
        redis.withTransaction(tx -> {
            tx.stream(String.class).xadd(Keys.TURNS, Map.of(StreamFields.TURN, Json.encode(turn)));
            tx.stream(String.class).xreadgroup(Keys.TURNS_GROUP, "dead-replica", Keys.TURNS, ">", new XReadGroupArgs().count(1));
            tx.hash(String.class).hset(Keys.sessionLease(session), Map.of("owner", "dead-replica/1-0", "token", "1"));
            tx.key().pexpire(Keys.sessionLease(session), Duration.ofSeconds(2));
            tx.hash(String.class).hset(Keys.turn(session, turn.turnId()), Map.of("status", "running", "attempts", "1"));
        });

        List<Event> events = fixtures.awaitFinished(turn);

        assertThat(TurnFixtures.types(events)).containsExactly(EventTypes.TURN_ACCEPTED,
                EventTypes.TURN_STARTED, EventTypes.MESSAGE_DELTA, EventTypes.MESSAGE, EventTypes.TURN_COMPLETED);
        assertThat(events.get(1).data().get("attempt").asInt()).isEqualTo(2);
        assertThat(events.get(1).data().get("rerun").asBoolean()).isTrue();
        assertThat(events.get(1).data().get("reason").asText()).contains("runs again from the start");
        assertThat(fixtures.history(session)).hasSize(2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                redis.stream(String.class).xpending(Keys.TURNS, Keys.TURNS_GROUP).getConsumers()).doesNotContainKey("dead-replica"));
        // The lease is given back after the last event and before the entry is acknowledged: wait for the ack,
        // not the lease (which would also expire by itself), then the lease must be gone.
        await().atMost(Duration.ofSeconds(10)).until(() -> fixtures.pendingTurns() == 0);
        assertThat(redis.key().exists(Keys.sessionLease(session))).as("the lease is given back").isFalse();
    }

    @Test
    void aTurnThatKeepsKillingItsReplicaIsGivenUpAfterMaxAttempts() {
        TurnFixtures fixtures = new TurnFixtures(redis);
        String session = fixtures.session();
        TurnRequest turn = new TurnRequest(Ids.turn(), session, "u_test", Ids.message(), "crash again", "cli", Instant.now());
        ledger.accept(turn);
        // Started three times already, each run ended by its replica's death.
        redis.hash(String.class).hset(Keys.turn(session, turn.turnId()), Map.of("status", "running",
                "attempts", String.valueOf(config.maxAttempts())));
        fixtures.redeliver(turn);

        List<Event> events = fixtures.awaitFinished(turn);

        Event failed = events.get(events.size() - 1);
        assertThat(failed.type()).isEqualTo(EventTypes.TURN_FAILED);
        assertThat(failed.data().get("code").asText()).isEqualTo("internal_error");
        assertThat(failed.data().get("message").asText()).contains("started 3 times");
        assertThat(fixtures.history(session)).extracting(m -> m.role()).containsExactly("user");
    }
}
