package io.nagatha.agent.service;

import static org.awaitility.Awaitility.await;

import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventTypes;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.StreamFields;
import io.nagatha.contracts.TurnRequest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Puts turns on the stream the way the gateway does, and reads back what the agent wrote. */
public final class TurnFixtures {

    private final RedisDataSource redis;

    public TurnFixtures(RedisDataSource redis) {
        this.redis = redis;
    }

    /** A session hash as session-service writes it, so the agent has counters to update. */
    public String session() {
        return session("queue");
    }

    public String session(String policy) {
        String id = Ids.session();
        String now = Instant.now().toString();
        redis.hash(String.class).hset(Keys.session(id), Map.of("id", id, "userId", "u_test", "active", "true",
                "turnPolicy", policy, "createdAt", now, "lastActivity", now, "messageCount", "0"));
        return id;
    }

    /**
     * Queues a turn as the gateway does first; the agent that reads it accepts it (as it does when
     * the gateway died before it could), so the turn's events start with {@code turn.accepted}.
     */
    public TurnRequest post(String sessionId, String content) {
        return post(sessionId, "u_test", content);
    }

    public TurnRequest post(String sessionId, String userId, String content) {
        TurnRequest turn = new TurnRequest(Ids.turn(), sessionId, userId, Ids.message(), content, "cli", Instant.now());
        redeliver(turn);
        return turn;
    }

    /** Puts the same turn on the stream again, as a retrying producer might. */
    public void redeliver(TurnRequest turn) {
        redis.stream(String.class).xadd(Keys.TURNS, Map.of(StreamFields.TURN, Json.encode(turn)));
    }

    public List<Event> events(String sessionId) {
        return redis.stream(String.class).xrange(Keys.events(sessionId), StreamRange.of("-", "+")).stream()
                .map(m -> Event.decode(m.id(), m.payload().get(StreamFields.EVENT)))
                .toList();
    }

    public List<Event> eventsOf(TurnRequest turn) {
        return events(turn.sessionId()).stream().filter(e -> turn.turnId().equals(e.turnId())).toList();
    }

    /** Waits until the turn's last event is written and returns all of the turn's events. */
    public List<Event> awaitFinished(TurnRequest turn) {
        await("turn " + turn.turnId() + " finished").atMost(Duration.ofSeconds(30))
                .until(() -> eventsOf(turn).stream().anyMatch(e -> EventTypes.isTerminal(e.type())));
        return eventsOf(turn);
    }

    public List<Message> history(String sessionId) {
        return redis.stream(String.class).xrange(Keys.history(sessionId), StreamRange.of("-", "+")).stream()
                .map(m -> Json.decode(m.payload().get(StreamFields.MESSAGE), Message.class))
                .toList();
    }

    public long pendingTurns() {
        return redis.stream(String.class).xpending(Keys.TURNS, Keys.TURNS_GROUP).getPendingCount();
    }

    public static List<String> types(List<Event> events) {
        return events.stream().map(Event::type).toList();
    }

    /** The concatenated text of the turn's deltas. */
    public static String deltas(List<Event> events) {
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.type().equals(EventTypes.MESSAGE_DELTA)).forEach(e -> text.append(e.data().get("text").asText()));
        return text.toString();
    }
}
