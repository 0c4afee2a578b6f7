package io.nagatha.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nagatha.contracts.AttachRequest;
import io.nagatha.contracts.Caller;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventIds;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Session;
import io.nagatha.gateway.auth.ApiKeyAuthenticationMechanism;
import io.nagatha.gateway.auth.ApiKeyAuthenticator;
import io.nagatha.gateway.client.SessionClient;
import io.nagatha.gateway.config.GatewayConfig;
import io.nagatha.gateway.service.RateLimiter;
import io.nagatha.gateway.service.TurnService;
import io.nagatha.gateway.stream.ClientOutbox;
import io.nagatha.gateway.stream.EventJson;
import io.nagatha.gateway.stream.SessionEventFanout;
import io.nagatha.support.heartbeat.ReplicaIdentity;
import io.nagatha.support.rest.ApiException;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * {@code /ws/v1/sessions/{id}}: the session's events out, the client's messages in. Opening the
 * socket attaches the interface named by {@code ?interface=} (default websocket) and closing it
 * detaches it — through session-service, which counts the interface's open sockets on every
 * replica; {@code ?since=} resumes after a known event.
 *
 * <p>Bounds: frames over {@code quarkus.websockets-next.server.max-message-size} close the socket
 * with 1009; outbound frames wait in a bounded {@link ClientOutbox} (slow clients lose deltas, then
 * are cut off with 1013 and resume); the server pings every
 * {@code quarkus.websockets-next.server.auto-ping-interval}, and a socket that sends nothing for
 * {@code nagatha.gateway.clients.idle-timeout} — no frame, no pong — is closed with 4408.
 */
@WebSocket(path = "/ws/v1/sessions/{id}")
public class SessionSocket {

    static final int CLOSE_UNAUTHORIZED = 4401;
    static final int CLOSE_FORBIDDEN = 4403;
    static final int CLOSE_SESSION_NOT_FOUND = 4404;
    static final int CLOSE_IDLE = 4408;
    static final int CLOSE_RATE_LIMITED = 4429;
    static final int CLOSE_REFUSED = 1008;
    static final int CLOSE_TOO_BIG = 1009;
    static final int CLOSE_UNAVAILABLE = 1011;
    static final int CLOSE_SLOW_CONSUMER = 1013;
    private static final String DEFAULT_INTERFACE = "websocket";
    private static final String PONG = "{\"type\":\"pong\"}";
    private static final Logger LOG = Logger.getLogger(SessionSocket.class);

    private final SessionClient sessions;
    private final TurnService turns;
    private final SessionEventFanout fanout;
    private final ApiKeyAuthenticator authenticator;
    private final RateLimiter limiter;
    private final ReplicaIdentity replica;
    private final GatewayConfig config;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final ClientOutbox.Meters meters;
    private final EventJson eventJson = new EventJson();
    private final int maxMessageSize;

    SessionSocket(SessionClient sessions, TurnService turns, SessionEventFanout fanout, ApiKeyAuthenticator authenticator,
            RateLimiter limiter, ReplicaIdentity replica, GatewayConfig config, MeterRegistry metrics,
            @ConfigProperty(name = "quarkus.websockets-next.server.max-message-size", defaultValue = "65536") int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
        this.sessions = sessions;
        this.turns = turns;
        this.fanout = fanout;
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.replica = replica;
        this.config = config;
        this.meters = ClientOutbox.Meters.forTransport(metrics, "websocket");
        Gauge.builder("nagatha.websocket.clients", clients, Map::size).description("Open WebSockets on this replica")
                .register(metrics);
    }

    /** Who opened one socket, what it is attached to, its outbound queue and its event subscription. */
    private static final class Client {
        final WebSocketConnection socket;
        final Caller caller;
        final String sessionId;
        final String interfaceType;
        /** Names this socket to session-service: unique across replicas. */
        final String connection;
        final ClientOutbox<String> outbox;
        volatile SessionEventFanout.Subscription subscription;
        volatile long lastHeard = System.nanoTime();

        Client(WebSocketConnection socket, Caller caller, String sessionId, String interfaceType, String connection,
                ClientOutbox<String> outbox) {
            this.socket = socket;
            this.caller = caller;
            this.sessionId = sessionId;
            this.interfaceType = interfaceType;
            this.connection = connection;
            this.outbox = outbox;
        }
    }

    @OnOpen
    @Blocking
    public void onOpen(WebSocketConnection connection) {
        String sessionId = connection.pathParam("id");
        Map<String, String> query = QueryString.parse(connection.handshakeRequest().query());
        String interfaceType = query.getOrDefault("interface", DEFAULT_INTERFACE);
        String since = query.get("since");
        String socketId = replica.id() + ":" + connection.id();
        boolean badSince = since != null && !EventIds.isValid(since);
        Session session;
        Caller caller;
        String from;
        try {
            caller = authenticate(connection, query);
            limiter.check(caller.userId(), RateLimiter.Budget.REQUESTS);
            // Taken before attaching: whatever is written from the attach on (this socket's own
            // presence, another interface attaching at the same moment) reaches this client too.
            from = since != null && !badSince ? since : fanout.position(sessionId);
            // Held by this replica: if it dies without detaching, session-service clears the attachment.
            session = sessions.attach(caller, sessionId, new AttachRequest(interfaceType, null, replica.id(), socketId));
        } catch (ApiException e) {
            int code = switch (e.problem().status()) {
                case 401 -> CLOSE_UNAUTHORIZED;
                case 403 -> CLOSE_FORBIDDEN;
                case 404 -> CLOSE_SESSION_NOT_FOUND;
                case 429 -> CLOSE_RATE_LIMITED;
                case 503 -> CLOSE_UNAVAILABLE;
                default -> CLOSE_REFUSED;
            };
            connection.closeAndAwait(new CloseReason(code, e.problem().code()));
            return;
        } catch (RuntimeException e) {
            LOG.warnf("could not attach %s to session %s: %s", interfaceType, sessionId, e.toString());
            connection.closeAndAwait(new CloseReason(CLOSE_UNAVAILABLE, ErrorCodes.UNAVAILABLE));
            return;
        }
        ClientOutbox<String> outbox = new ClientOutbox<>(config.clients().outboundQueue(),
                frame -> connection.sendText(frame).subscribeAsCompletionStage(),
                () -> connection.close(new CloseReason(CLOSE_SLOW_CONSUMER, "slow_consumer")).subscribe().with(
                        closed -> { }, failure -> LOG.debugf("closing a slow client failed: %s", failure.getMessage())),
                meters);
        Client client = new Client(connection, caller, sessionId, interfaceType, socketId, outbox);
        clients.put(connection.id(), client);
        if (connection.isClosed()) {
            onClose(connection); // it closed while it was being attached: let the attachment go now
            return;
        }
        outbox.offer(Json.encode(Event.sessionAttached(session)));
        if (badSince) {
            sendError(client, ErrorCodes.VALIDATION_FAILED, "'since' is not an event id; sending new events only", null);
        }
        follow(client, from);
    }

    @OnTextMessage
    @Blocking
    public void onMessage(WebSocketConnection connection, String frame) {
        Client client = clients.get(connection.id());
        if (client == null) {
            return;
        }
        client.lastHeard = System.nanoTime();
        if (frame.length() > maxMessageSize) {
            // One frame between max-message-size and max-frame-size: too big all the same.
            connection.close(new CloseReason(CLOSE_TOO_BIG, "message_too_big")).subscribe().with(closed -> { },
                    failure -> LOG.debugf("closing socket %s failed: %s", connection.id(), failure.getMessage()));
            return;
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(frame);
        } catch (Exception e) {
            json = null;
        }
        String type = json == null || !json.isObject() ? null : json.path("type").asText("");
        if ("ping".equals(type)) {
            client.outbox.offer(PONG); // heartbeats are free: no budget, no Redis
            return;
        }
        try {
            limiter.check(client.caller.userId(), RateLimiter.Budget.REQUESTS);
            if (type == null) {
                sendError(client, ErrorCodes.VALIDATION_FAILED, "a frame must be a JSON object with a 'type'", null);
                return;
            }
            switch (type) {
                case "message" -> postMessage(client, json);
                case "resume" -> resume(client, json);
                default -> sendError(client, ErrorCodes.VALIDATION_FAILED,
                        "unknown frame type '" + type + "': use message, resume or ping", null);
            }
        } catch (ApiException e) {
            sendError(client, e.problem().code(), e.problem().detail(), e.problem().retryAfter());
        }
    }

    /** The answer to the server's own pings: proof that the client is still there. */
    @OnPongMessage
    public void onPong(WebSocketConnection connection, Buffer data) {
        Client client = clients.get(connection.id());
        if (client != null) {
            client.lastHeard = System.nanoTime();
        }
    }

    @OnClose
    @Blocking
    public void onClose(WebSocketConnection connection) {
        Client client = clients.remove(connection.id());
        if (client == null) {
            return;
        }
        client.outbox.close();
        if (client.subscription != null) {
            client.subscription.close();
        }
        try {
            // Only this socket goes; the interface stays while another of its sockets is open on any replica.
            sessions.detachSocket(client.caller, client.sessionId, client.interfaceType, client.connection);
        } catch (RuntimeException e) {
            LOG.debugf("could not detach %s from %s: %s", client.interfaceType, client.sessionId, e.toString());
        }
    }

    /**
     * A message over {@code max-message-size}, sent in several frames, is refused by the frame
     * aggregator with this exception: the client is told 1009 (too big), not 1011. (A single frame
     * up to {@code max-frame-size} is checked in {@link #onMessage}; one above it is dropped by the
     * protocol decoder, which ends the connection before any handler runs.)
     */
    @OnError
    public void onError(WebSocketConnection connection, IllegalStateException e) {
        boolean tooBig = e.getMessage() != null && e.getMessage().contains("max message size");
        if (!tooBig) {
            LOG.warnf("socket %s failed: %s", connection.id(), e.toString());
        }
        connection.close(new CloseReason(tooBig ? CLOSE_TOO_BIG : CLOSE_UNAVAILABLE, tooBig ? "message_too_big" : ErrorCodes.UNAVAILABLE))
                .subscribe().with(closed -> { }, failure -> LOG.debugf("closing socket %s failed: %s", connection.id(), failure.getMessage()));
    }

    /** Closes sockets the client has stopped answering: no frame and no pong for the idle timeout. */
    @Scheduled(every = "${nagatha.gateway.clients.idle-check:5s}", delayed = "${nagatha.gateway.clients.idle-check:5s}")
    void closeIdle() {
        long limit = config.clients().idleTimeout().toNanos();
        long now = System.nanoTime();
        for (Client client : clients.values()) {
            if (now - client.lastHeard > limit && client.socket.isOpen()) {
                LOG.debugf("closing idle socket %s of session %s", client.connection, client.sessionId);
                client.socket.close(new CloseReason(CLOSE_IDLE, "idle_timeout")).subscribe().with(
                        closed -> { }, failure -> LOG.debugf("closing an idle socket failed: %s", failure.getMessage()));
            }
        }
    }

    /** Open sockets on this replica. */
    public int clients() {
        return clients.size();
    }

    private void postMessage(Client client, JsonNode frame) {
        JsonNode content = frame.get("content");
        JsonNode key = frame.get("idempotencyKey");
        if (content == null || !content.isTextual() || (key != null && !key.isNull() && !key.isTextual())) {
            sendError(client, ErrorCodes.VALIDATION_FAILED, "'content' must be text, and 'idempotencyKey' text when given", null);
            return;
        }
        limiter.check(client.caller.userId(), RateLimiter.Budget.TURNS);
        try {
            turns.accept(client.caller, client.sessionId, content.asText(), client.interfaceType,
                    key == null || key.isNull() ? null : key.asText());
        } catch (ApiException e) {
            throw e; // answered as an error frame by onMessage
        } catch (RuntimeException e) {
            LOG.warnf("could not accept a message on session %s: %s", client.sessionId, e.toString());
            sendError(client, ErrorCodes.UNAVAILABLE, "the message could not be accepted; try again shortly", null);
        }
    }

    /** The key from the handshake: {@code Authorization: Bearer} or, for browsers, {@code ?access_token=}. */
    private Caller authenticate(WebSocketConnection connection, Map<String, String> query) {
        String key = ApiKeyAuthenticationMechanism.bearer(connection.handshakeRequest().header("Authorization"))
                .orElse(query.get("access_token"));
        Caller caller = authenticator.authenticate(key)
                .orElseThrow(() -> ApiException.unauthorized("send a valid API key as a Bearer header or ?access_token="));
        String onBehalfOf = connection.handshakeRequest().header(ApiKeyAuthenticationMechanism.ON_BEHALF_HEADER);
        return onBehalfOf == null || onBehalfOf.isBlank() ? caller : authenticator.actAs(caller, onBehalfOf.strip());
    }

    private void resume(Client client, JsonNode frame) {
        String since = frame.path("since").asText(null);
        if (!EventIds.isValid(since)) {
            sendError(client, ErrorCodes.VALIDATION_FAILED, "'since' must be an event id this API gave out", null);
            return;
        }
        // What still waits would come again from the replay: drop it, so every event arrives once.
        client.outbox.discardEvents();
        follow(client, since);
    }

    /** (Re)subscribes the socket to its session's events, after {@code since} when given. */
    private void follow(Client client, String since) {
        SessionEventFanout.Subscription previous = client.subscription;
        if (previous != null) {
            previous.close();
        }
        client.subscription = fanout.subscribe(client.sessionId, since,
                client.outbox.sink(eventJson::of, config.clients().idleTimeout()));
    }

    private static void sendError(Client client, String code, String message, Long retryAfter) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("code", code);
        data.put("message", message);
        if (retryAfter != null) {
            data.put("retryAfter", retryAfter);
        }
        client.outbox.offer(Json.encode(Map.of("type", "error", "data", data)));
    }
}
