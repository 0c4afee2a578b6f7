package io.nagatha.gateway.service;

import io.nagatha.contracts.Caller;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.EventTypes;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.StreamFields;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.gateway.client.SessionClient;
import io.nagatha.gateway.config.GatewayConfig;
import io.nagatha.gateway.stream.SessionEventFanout;
import io.nagatha.support.config.TurnsConfig;
import io.nagatha.support.rest.ApiException;
import io.nagatha.support.turn.TurnLedger;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Accepts user messages: checks them, puts the turn on the turns stream for any agent replica, then
 * accepts it in its session ({@link TurnLedger}: the session's turn policy, the idempotency key,
 * {@code turn.accepted} to every attached client, the session's queue). Also cancels turns.
 */
@ApplicationScoped
public class TurnService {

    /** Where no interface is named, the message came through the plain HTTP API. */
    public static final String DEFAULT_INTERFACE = "api";

    private final RedisDataSource redis;
    private final SessionClient sessions;
    private final SessionEventFanout fanout;
    private final GatewayConfig config;
    private final TurnsConfig turnsConfig;
    private final TurnLedger ledger;

    TurnService(RedisDataSource redis, SessionClient sessions, SessionEventFanout fanout, GatewayConfig config,
            TurnsConfig turnsConfig, TurnLedger ledger) {
        this.redis = redis;
        this.sessions = sessions;
        this.fanout = fanout;
        this.config = config;
        this.turnsConfig = turnsConfig;
        this.ledger = ledger;
    }

    /** A turn the gateway took; {@code acceptedEventId} is where its events start. */
    public record Accepted(String turnId, String messageId, String acceptedEventId) {
    }

    /** How a turn ended: its reply, or its failure code and message. */
    public record Outcome(Message reply, String errorCode, String errorMessage) {
    }

    public Accepted accept(Caller caller, String sessionId, String content, String interfaceType, String idempotencyKey) {
        validate(content, idempotencyKey);
        String via = interfaceType == null || interfaceType.isBlank() ? DEFAULT_INTERFACE : interfaceType;
        // Checks ownership, refuses an ended session, and keeps the session (and this interface) alive.
        Session session = sessions.touch(caller, sessionId, via);
        if (idempotencyKey != null) {
            String earlier = redis.value(String.class).get(Keys.idempotency(sessionId, idempotencyKey));
            if (earlier != null) {
                return earlier(sessionId, earlier);
            }
        }
        String policy = session.turnPolicy() == null ? turnsConfig.defaultPolicy() : session.turnPolicy();
        if (Session.POLICY_REJECT.equals(policy)) {
            String running = redis.list(String.class).lindex(Keys.sessionTurnQueue(sessionId), 0);
            if (running != null) {
                throw turnInProgress(running);
            }
        }
        TurnRequest turn = new TurnRequest(Ids.turn(), session.id(), session.userId(), Ids.message(), content, via,
                Instant.now(), idempotencyKey);
        // Queued first, shown second: if this gateway dies in between, the agent that reads the turn
        // accepts it (shows turn.accepted) itself, so an accepted message is never left unanswered.
        redis.stream(String.class).xadd(Keys.TURNS, new XAddArgs().maxlen(config.turnsMaxLen()).nearlyExactTrimming(),
                Map.of(StreamFields.TURN, Json.encode(turn)));
        TurnLedger.Decision decision = ledger.accept(turn);
        return switch (decision.outcome()) {
            case ACCEPTED -> new Accepted(turn.turnId(), turn.messageId(), decision.detail());
            case DUPLICATE -> earlier(sessionId, decision.detail());
            case REJECTED -> throw turnInProgress(decision.detail());
            case GONE -> throw ApiException.sessionNotFound(sessionId);
        };
    }

    /**
     * Asks a turn to stop: one still waiting ends at once, a running one at its next step; either
     * way with {@code turn.failed} code {@code cancelled}.
     */
    public TurnLedger.Stop cancel(Caller caller, String sessionId, String turnId) {
        sessions.get(caller, sessionId); // another user's session is 404, as if it did not exist
        if (!Ids.isValid(turnId)) {
            throw ApiException.notFound("no turn " + turnId + " in session " + sessionId);
        }
        TurnLedger.Stop stop = ledger.cancel(sessionId, turnId);
        return switch (stop) {
            case UNKNOWN -> throw ApiException.notFound("no turn " + turnId + " in session " + sessionId);
            case FINISHED -> throw ApiException.of(409, ErrorCodes.TURN_FINISHED, "Turn finished",
                    "turn " + turnId + " has already completed or failed");
            default -> stop;
        };
    }

    private static ApiException turnInProgress(String running) {
        return ApiException.of(409, ErrorCodes.TURN_IN_PROGRESS, "Turn in progress", "turn " + running
                + " of this session is still running and the session's turn policy is reject; send again when it has finished");
    }

    /**
     * Completes with the turn's outcome once its last event is written, or with nothing when
     * {@code wait} passes first. Events already written are replayed, so a late waiter still sees them.
     */
    public Uni<Optional<Outcome>> awaitOutcome(String sessionId, Accepted turn, Duration wait) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        AtomicReference<Message> reply = new AtomicReference<>();
        SessionEventFanout.Subscription subscription = fanout.subscribe(sessionId, turn.acceptedEventId(), event -> {
            if (!turn.turnId().equals(event.turnId())) {
                return;
            }
            if (EventTypes.MESSAGE.equals(event.type())) {
                reply.set(Json.MAPPER.convertValue(event.data().get("message"), Message.class));
            } else if (EventTypes.TURN_COMPLETED.equals(event.type())) {
                done.complete(new Outcome(reply.get(), null, null));
            } else if (EventTypes.TURN_FAILED.equals(event.type())) {
                done.complete(new Outcome(null, event.data().path("code").asText(ErrorCodes.UPSTREAM_ERROR),
                        event.data().path("message").asText()));
            }
        });
        return Uni.createFrom().completionStage(done)
                .map(Optional::of)
                .ifNoItem().after(wait).recoverWithItem(Optional.empty())
                .onTermination().invoke(subscription::close);
    }

    /** Parses the {@code wait} query parameter: whole seconds from 0 to the configured maximum. */
    public Duration parseWait(String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        long max = config.maxWait().toSeconds();
        try {
            long seconds = Long.parseLong(wait.trim());
            if (seconds >= 0 && seconds <= max) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.invalid("'wait' must be a whole number of seconds from 0 to " + max);
    }

    /** The turn an idempotency key started earlier. */
    private Accepted earlier(String sessionId, String turnId) {
        List<String> fields = List.of("messageId", "acceptedEventId");
        Map<String, String> record = redis.hash(String.class).hmget(Keys.turn(sessionId, turnId), fields.toArray(String[]::new));
        return new Accepted(turnId, record.get("messageId"), record.get("acceptedEventId"));
    }

    private void validate(String content, String idempotencyKey) {
        if (content == null || content.isBlank()) {
            throw ApiException.invalid("'content' is required and must not be blank");
        }
        if (content.length() > config.maxMessageLength()) {
            throw ApiException.tooLarge("'content' is " + content.length() + " characters; the limit is "
                    + config.maxMessageLength());
        }
        if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > config.maxIdempotencyKeyLength())) {
            throw ApiException.invalid("'idempotencyKey' must be 1 to " + config.maxIdempotencyKeyLength() + " characters");
        }
    }
}
