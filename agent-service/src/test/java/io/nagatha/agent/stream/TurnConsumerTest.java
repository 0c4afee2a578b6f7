package io.nagatha.agent.stream;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void losingTheConsumerGroupCostsNoWorkers() {
        redis.key().del(Keys.TURNS); // the group goes with the stream
        for (int i = 0; i < 3; i++) {
            consumer.maintain();
        }
        assertThat(consumer.freeWorkers()).isEqualTo(config.concurrency());

        TurnFixtures fixtures = new TurnFixtures(redis);
        TurnRequest turn = fixtures.post(fixtures.session(), "still there?");
        assertThat(TurnFixtures.types(fixtures.awaitFinished(turn))).endsWith(EventTypes.TURN_COMPLETED);
    }

    @Test
    void aTurnLeftByADeadReplicaIsTakenOverAndAnsweredOnce() {
        TurnFixtures fixtures = new TurnFixtures(redis);
        String session = fixtures.session();
        TurnRequest turn = new TurnRequest(Ids.turn(), session, "u_test", Ids.message(), "anyone?", "cli", Instant.now());
        // A replica that took the turn, started it (attempt 1) and died: the entry stays pending under its name.
        redis.hash(String.class).hset(Keys.turn(session, turn.turnId()), Map.of("status", "running", "attempts", "1"));
        redis.withTransaction(tx -> {
            tx.stream(String.class).xadd(Keys.TURNS, Map.of(StreamFields.TURN, Json.encode(turn)));
            tx.stream(String.class).xreadgroup(Keys.TURNS_GROUP, "dead-replica", Keys.TURNS, ">", new XReadGroupArgs().count(1));
        });

        List<Event> events = fixtures.awaitFinished(turn);

        assertThat(TurnFixtures.types(events)).containsExactly(
                EventTypes.TURN_STARTED, EventTypes.MESSAGE_DELTA, EventTypes.MESSAGE, EventTypes.TURN_COMPLETED);
        assertThat(events.get(0).data().get("attempt").asInt()).isEqualTo(2);
        assertThat(fixtures.history(session)).hasSize(2);
        assertThat(redis.stream(String.class).xpending(Keys.TURNS, Keys.TURNS_GROUP).getConsumers()).doesNotContainKey("dead-replica");
    }
}
