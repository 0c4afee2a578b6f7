package io.nagatha.agent.repository;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.agent.config.AgentConfig;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.StreamFields;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.contracts.TurnUsage;
import io.nagatha.support.config.TurnsConfig;
import io.nagatha.support.redis.LuaScript;
import io.nagatha.support.redis.SessionEventWriter;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A session's lease and queue, a turn's steps (begin, events, finish), and what a turn reads:
 * history and memory. Every write of a running turn is one Lua script that first checks the
 * lease's fencing token, so a worker that lost its lease writes nothing more.
 */
@ApplicationScoped
public class TurnRepository {

    /** Status values of a turn record (the gateway or an agent writes {@code accepted}). */
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    private static final LuaScript CLAIM = LuaScript.fromResource("lua/session-claim.lua");
    private static final LuaScript RELEASE = LuaScript.fromResource("lua/session-release.lua");
    private static final LuaScript RENEW = LuaScript.fromResource("lua/lease-renew.lua");
    private static final LuaScript BEGIN = LuaScript.fromResource("lua/turn-begin.lua");
    private static final LuaScript EVENT = LuaScript.fromResource("lua/turn-event.lua");
    private static final LuaScript FINISH = LuaScript.fromResource("lua/turn-finish.lua");

    static final String RERUN_REASON = "the replica that ran this turn stopped before it finished; it runs again from the start";
    static final String INTERRUPTED_BEFORE_START = "a newer message arrived before this turn started";
    static final String CANCELLED_BEFORE_START = "cancelled before it started";

    private final RedisDataSource redis;
    private final SessionEventWriter events;
    private final AgentConfig config;
    private final TurnsConfig turns;

    TurnRepository(RedisDataSource redis, SessionEventWriter events, AgentConfig config, TurnsConfig turns) {
        this.redis = redis;
        this.events = events;
        this.config = config;
        this.turns = turns;
    }

    // ---- the session's lease ----

    /** What {@link #claim} found: nothing to run, another worker running, or the lease for us. */
    public record Claim(Optional<Lease> lease, String holder) {
    }

    public Claim claim(String sessionId, String owner) {
        Response reply = CLAIM.run(redis, List.of(Keys.sessionLease(sessionId), Keys.sessionFence(sessionId),
                Keys.sessionTurnQueue(sessionId)), List.of(owner, millis(leaseTtl()), seconds(turns.recordTtl())));
        return switch (reply.get(0).toInteger()) {
            case 2 -> new Claim(Optional.of(new Lease(sessionId, owner, reply.get(1).toString())), owner);
            case 1 -> new Claim(Optional.empty(), reply.get(1).toString());
            default -> new Claim(Optional.empty(), null);
        };
    }

    /** Outcomes of {@link #release}. */
    public enum Release { RELEASED, MORE_WAITING, LOST }

    public Release release(Lease lease) {
        long reply = RELEASE.run(redis, List.of(Keys.sessionLease(lease.sessionId()), Keys.sessionTurnQueue(lease.sessionId())),
                List.of(lease.owner(), lease.token())).toLong();
        return reply == 1 ? Release.RELEASED : reply == 0 ? Release.MORE_WAITING : Release.LOST;
    }

    /** Extends the lease; false (and the lease marked lost) when it is no longer ours. */
    public boolean renew(Lease lease) {
        boolean ours = RENEW.run(redis, List.of(Keys.sessionLease(lease.sessionId())),
                List.of(lease.owner(), lease.token(), millis(leaseTtl()))).toInteger() == 1;
        if (!ours) {
            lease.markLost();
        }
        return ours;
    }

    /** Lets the lease expire now if it is still ours (the replica is stopping). */
    public void giveUp(Lease lease) {
        RENEW.run(redis, List.of(Keys.sessionLease(lease.sessionId())), List.of(lease.owner(), lease.token(), "1"));
    }

    /**
     * Two thirds of the reclaim time: renewed every third, and always expired by the time a silent
     * replica's stream entry can be taken over, so the taker finds the session free.
     */
    public Duration leaseTtl() {
        return config.reclaimIdle().multipliedBy(2).dividedBy(3);
    }

    /** The turn at the head of the session's queue (running or next), if any. */
    public Optional<String> head(String sessionId) {
        return Optional.ofNullable(redis.list(String.class).lindex(Keys.sessionTurnQueue(sessionId), 0));
    }

    // ---- a turn's steps ----

    /** What {@link #begin} did; {@code request} and {@code attempt} are set when the turn is to run (or end). */
    public record Begin(Step step, String code, TurnRequest request, int attempt) {
    }

    public enum Step { FENCED, MOVED, SKIP, ENDED, STOP, RUN }

    public Begin begin(Lease lease, String turnId) {
        String sessionId = lease.sessionId();
        Response reply = BEGIN.run(redis,
                List.of(Keys.sessionLease(sessionId), Keys.sessionTurnQueue(sessionId), Keys.turn(sessionId, turnId),
                        Keys.events(sessionId), Keys.sessionTurnStops(sessionId)),
                List.of(lease.owner(), lease.token(), turnId, Instant.now().toString(), seconds(turns.recordTtl()),
                        String.valueOf(events.maxLen()), StreamFields.EVENT, sessionId, RERUN_REASON,
                        INTERRUPTED_BEFORE_START, CANCELLED_BEFORE_START));
        Step step = Step.valueOf(reply.get(0).toString().toUpperCase());
        return switch (step) {
            case RUN -> new Begin(step, null, Json.decode(reply.get(2).toString(), TurnRequest.class),
                    Integer.parseInt(reply.get(1).toString()));
            case STOP -> new Begin(step, reply.get(1).toString(), Json.decode(reply.get(2).toString(), TurnRequest.class), 0);
            case ENDED -> new Begin(step, reply.get(1).toString(), null, 0);
            default -> new Begin(step, null, null, 0);
        };
    }

    /** What a fenced write found: written, the turn asked to stop ({@code code}), or the lease lost. */
    public record Written(boolean ok, String stopCode, boolean fenced) {
    }

    /** Appends events of the running turn (none: only checks for a stop or a lost lease). */
    public Written append(Lease lease, String turnId, List<Event> written) {
        String sessionId = lease.sessionId();
        List<String> args = new ArrayList<>(List.of(lease.owner(), lease.token(), turnId, String.valueOf(events.maxLen()),
                StreamFields.EVENT));
        written.forEach(e -> args.add(Json.encode(e)));
        Response reply = EVENT.run(redis, List.of(Keys.sessionLease(sessionId), Keys.events(sessionId),
                Keys.sessionTurnStops(sessionId)), args);
        return switch (reply.get(0).toString()) {
            case "ok" -> new Written(true, null, false);
            case "stop" -> new Written(false, reply.get(1).toString(), false);
            default -> {
                lease.markLost();
                yield new Written(false, null, true);
            }
        };
    }

    /** Outcomes of {@link #finish}. */
    public enum Finish { WRITTEN, ALREADY_FINISHED, LOST }

    /**
     * Writes the turn's messages, final events, status and usage in one step, and takes the turn
     * off its session's queue.
     */
    public Finish finish(Lease lease, TurnRequest turn, String status, String code, List<Message> messages,
            List<Event> finalEvents, TurnUsage usage) {
        String sessionId = turn.sessionId();
        List<String> args = new ArrayList<>();
        args.add(lease.owner());
        args.add(lease.token());
        args.add(turn.turnId());
        args.add(status);
        args.add(code == null ? "" : code);
        args.add(Instant.now().toString());
        args.add(seconds(turns.recordTtl()));
        args.add(String.valueOf(config.historyMaxLen()));
        args.add(String.valueOf(events.maxLen()));
        args.add(StreamFields.MESSAGE);
        args.add(StreamFields.EVENT);
        args.add(String.valueOf(usage.promptTokens()));
        args.add(String.valueOf(usage.completionTokens()));
        args.add(String.valueOf(usage.toolCalls()));
        args.add(String.valueOf(messages.size()));
        messages.forEach(m -> args.add(Json.encode(m)));
        finalEvents.forEach(e -> args.add(Json.encode(e)));
        List<String> keys = List.of(Keys.sessionLease(sessionId), Keys.turn(sessionId, turn.turnId()), Keys.history(sessionId),
                Keys.events(sessionId), Keys.session(sessionId), Keys.sessionTurnQueue(sessionId),
                Keys.sessionTurnStops(sessionId));
        long reply = FINISH.run(redis, keys, args).toLong();
        if (reply < 0) {
            lease.markLost();
        }
        return reply == 1 ? Finish.WRITTEN : reply == 0 ? Finish.ALREADY_FINISHED : Finish.LOST;
    }

    /**
     * Adds a finished turn to its user's totals. Separate from {@link #finish} because the user's
     * keys live in another hash slot; a replica dying between the two leaves that turn uncounted
     * for the user (never counted twice).
     */
    public void countForUser(String userId, TurnUsage usage) {
        String key = Keys.userUsage(userId);
        redis.withTransaction(tx -> {
            tx.hash(String.class).hincrby(key, "turns", 1);
            tx.hash(String.class).hincrby(key, "promptTokens", usage.promptTokens());
            tx.hash(String.class).hincrby(key, "completionTokens", usage.completionTokens());
            tx.hash(String.class).hincrby(key, "toolCalls", usage.toolCalls());
        });
    }

    // ---- what a turn reads ----

    /** The session's last {@code count} messages, oldest first. */
    public List<Message> recentHistory(String sessionId, int count) {
        List<StreamMessage<String, String, String>> newestFirst =
                redis.stream(String.class).xrevrange(Keys.history(sessionId), StreamRange.of("+", "-"), count);
        List<Message> messages = new ArrayList<>(newestFirst.size());
        for (StreamMessage<String, String, String> entry : newestFirst) {
            messages.add(Json.decode(entry.payload().get(StreamFields.MESSAGE), Message.class));
        }
        Collections.reverse(messages);
        return messages;
    }

    /** One memory entry as session-service stores it. */
    public record Remembered(String key, JsonNode value) {
    }

    /** Up to {@code limit} live entries of a memory section, by key. */
    public List<Remembered> memory(String userId, String section, int limit) {
        List<String> keys = new ArrayList<>(redis.set(String.class).smembers(Keys.memorySection(userId, section)));
        if (keys.isEmpty()) {
            return List.of();
        }
        Collections.sort(keys);
        List<String> chosen = keys.subList(0, Math.min(keys.size(), limit));
        Map<String, String> found = redis.value(String.class)
                .mget(chosen.stream().map(k -> Keys.memoryEntry(userId, section, k)).toArray(String[]::new));
        List<Remembered> entries = new ArrayList<>();
        for (String key : chosen) {
            String json = found.get(Keys.memoryEntry(userId, section, key));
            if (json != null) {
                try {
                    entries.add(new Remembered(key, Json.decode(json, JsonNode.class).get("value")));
                } catch (IllegalArgumentException e) {
                    // an entry being rewritten right now, or damaged: leave it out of the prompt
                }
            }
        }
        return entries;
    }

    private static String seconds(Duration duration) {
        return String.valueOf(Math.max(1, duration.toSeconds()));
    }

    private static String millis(Duration duration) {
        return String.valueOf(Math.max(1, duration.toMillis()));
    }
}
