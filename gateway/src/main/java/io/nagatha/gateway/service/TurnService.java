package io.nagatha.gateway.service;

import io.nagatha.contracts.Caller;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Event;
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
import io.nagatha.support.redis.SessionEventWriter;
import io.nagatha.support.rest.ApiException;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Accepts user messages: checks them, records the turn, tells every attached client
 * ({@code turn.accepted}) and puts the turn on the turns stream for any agent replica.
 */
@ApplicationScoped
public class TurnService {

    /** Where no interface is named, the message came through the plain HTTP API. */
    public static final String DEFAULT_INTERFACE = "api";

    private final RedisDataSource redis;
    private final SessionClient sessions;
    private final SessionEventWriter events;
    private final SessionEventFanout fanout;
    private final GatewayConfig config;

    TurnService(RedisDataSource redis, SessionClient sessions, SessionEventWriter events, SessionEventFanout fanout,
            GatewayConfig config) {
        this.redis = redis;
        this.sessions = sessions;
        this.events = events;
        this.fanout = fanout;
        this.config = config;
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
        String turnId = Ids.turn();
        String messageId = Ids.message();
        if (idempotencyKey != null) {
            Optional<Accepted> earlier = claimIdempotencyKey(sessionId, idempotencyKey, turnId, messageId);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        Instant now = Instant.now();
        String acceptedEventId = events.append(Event.turnAccepted(sessionId, turnId, messageId, via, content));
        String turnKey = Keys.turn(sessionId, turnId);
        redis.hash(String.class).hset(turnKey, Map.of("status", "accepted", "messageId", messageId,
                "acceptedEventId", acceptedEventId, "acceptedAt", now.toString()));
        redis.key().expire(turnKey, config.turnRecordTtl());
        TurnRequest turn = new TurnRequest(turnId, session.id(), session.userId(), messageId, content, via, now);
        redis.stream(String.class).xadd(Keys.TURNS, new XAddArgs().maxlen(config.turnsMaxLen()).nearlyExactTrimming(),
                Map.of(StreamFields.TURN, Json.encode(turn)));
        return new Accepted(turnId, messageId, acceptedEventId);
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

    private Optional<Accepted> claimIdempotencyKey(String sessionId, String key, String turnId, String messageId) {
        String earlier = redis.value(String.class).setGet(Keys.idempotency(sessionId, key), turnId + " " + messageId,
                new SetArgs().nx().ex(config.idempotencyTtl()));
        if (earlier == null) {
            return Optional.empty();
        }
        String[] ids = earlier.split(" ", 2);
        String acceptedEventId = redis.hash(String.class).hget(Keys.turn(sessionId, ids[0]), "acceptedEventId");
        return Optional.of(new Accepted(ids[0], ids[1], acceptedEventId));
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
