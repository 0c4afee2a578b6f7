package io.nagatha.support.turn;

import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.StreamFields;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.support.config.TurnsConfig;
import io.nagatha.support.redis.LuaScript;
import io.nagatha.support.redis.SessionEventWriter;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/**
 * The two steps of a turn's life that both the gateway and the agents take: accepting it (once,
 * whoever comes first) and asking it to stop. Both are single Lua scripts on the session's keys, so
 * they hold on Redis Cluster and never interleave with the agent's own steps.
 */
@ApplicationScoped
public class TurnLedger {

    private static final LuaScript ACCEPT = LuaScript.fromResource("lua/turn-accept.lua");
    private static final LuaScript CANCEL = LuaScript.fromResource("lua/turn-cancel.lua");

    /** Outcomes of {@link #accept}. */
    public enum Outcome {
        /** Accepted now or earlier: it is queued in its session and shown as {@code turn.accepted}. */
        ACCEPTED,
        /** The idempotency key already started another turn ({@code detail} names it); nothing was queued. */
        DUPLICATE,
        /** The session's policy is {@code reject} and a turn runs ({@code detail} names it). */
        REJECTED,
        /** The session no longer exists. */
        GONE
    }

    /** {@code detail}: the accepted event id, the earlier turn, or the running turn, by outcome. */
    public record Decision(Outcome outcome, String detail) {
    }

    /** Outcomes of {@link #cancel}. */
    public enum Stop {
        UNKNOWN, FINISHED, STOPPING, STOPPED
    }

    private final RedisDataSource redis;
    private final SessionEventWriter events;
    private final TurnsConfig config;

    TurnLedger(RedisDataSource redis, SessionEventWriter events, TurnsConfig config) {
        this.redis = redis;
        this.events = events;
        this.config = config;
    }

    /**
     * Accepts the turn unless its session's policy refuses it or its idempotency key is taken;
     * writes {@code turn.accepted} and queues it in its session. Safe to call again: a turn is
     * decided once and every call returns that decision.
     */
    public Decision accept(TurnRequest turn) {
        String sessionId = turn.sessionId();
        String record = Keys.turn(sessionId, turn.turnId());
        String idempotency = turn.idempotencyKey() == null ? record : Keys.idempotency(sessionId, turn.idempotencyKey());
        Event accepted = Event.turnAccepted(sessionId, turn.turnId(), turn.messageId(), turn.interfaceType(), turn.content());
        Response reply = ACCEPT.run(redis,
                List.of(record, Keys.events(sessionId), Keys.sessionTurnQueue(sessionId), Keys.session(sessionId), idempotency,
                        Keys.sessionTurnStops(sessionId)),
                List.of(turn.turnId(), turn.messageId(), Json.encode(accepted), Json.encode(turn), Json.encode(turn.userMessage()),
                        Instant.now().toString(), seconds(config.recordTtl()), String.valueOf(events.maxLen()), StreamFields.EVENT,
                        turn.idempotencyKey() == null ? "0" : seconds(config.idempotencyTtl()), config.defaultPolicy()));
        return new Decision(Outcome.valueOf(reply.get(0).toString().toUpperCase()), reply.get(1).toString());
    }

    /** Asks a turn to stop with {@code cancelled}: at once when it waits, at its next step when it runs. */
    public Stop cancel(String sessionId, String turnId) {
        Event failed = Event.turnFailed(sessionId, turnId, ErrorCodes.CANCELLED, "cancelled before it started");
        Response reply = CANCEL.run(redis,
                List.of(Keys.turn(sessionId, turnId), Keys.sessionTurnQueue(sessionId), Keys.sessionTurnStops(sessionId),
                        Keys.events(sessionId)),
                List.of(turnId, ErrorCodes.CANCELLED, Json.encode(failed), Instant.now().toString(), seconds(config.recordTtl()),
                        String.valueOf(events.maxLen()), StreamFields.EVENT));
        return Stop.valueOf(reply.toString().toUpperCase());
    }

    private static String seconds(java.time.Duration duration) {
        return String.valueOf(Math.max(1, duration.toSeconds()));
    }
}
