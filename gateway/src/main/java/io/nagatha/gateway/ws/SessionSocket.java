package io.nagatha.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.AttachRequest;
import io.nagatha.contracts.Caller;
import io.nagatha.gateway.auth.ApiKeyAuthenticationMechanism;
import io.nagatha.gateway.auth.ApiKeyAuthenticator;
import io.nagatha.support.heartbeat.ReplicaIdentity;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventIds;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Session;
import io.nagatha.gateway.client.SessionClient;
import io.nagatha.gateway.service.TurnService;
import io.nagatha.gateway.stream.SessionEventFanout;
import io.nagatha.support.rest.ApiException;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.Blocking;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * {@code /ws/v1/sessions/{id}}: the session's events out, the client's messages in. Opening the
 * socket attaches the interface named by {@code ?interface=} (default websocket) and closing it
 * detaches it; {@code ?since=} resumes after a known event.
 */
@WebSocket(path = "/ws/v1/sessions/{id}")
public class SessionSocket {

    static final int CLOSE_UNAUTHORIZED = 4401;
    static final int CLOSE_FORBIDDEN = 4403;
    static final int CLOSE_SESSION_NOT_FOUND = 4404;
    static final int CLOSE_UNAVAILABLE = 1011;
    private static final String DEFAULT_INTERFACE = "websocket";
    private static final Logger LOG = Logger.getLogger(SessionSocket.class);

    private final SessionClient sessions;
    private final TurnService turns;
    private final SessionEventFanout fanout;
    private final ApiKeyAuthenticator authenticator;
    private final ReplicaIdentity replica;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();

    SessionSocket(SessionClient sessions, TurnService turns, SessionEventFanout fanout, ApiKeyAuthenticator authenticator,
            ReplicaIdentity replica) {
        this.sessions = sessions;
        this.turns = turns;
        this.fanout = fanout;
        this.authenticator = authenticator;
        this.replica = replica;
    }

    /** Who opened one socket, what it is attached to, and its current event subscription. */
    private static final class Client {
        final Caller caller;
        final String sessionId;
        final String interfaceType;
        volatile SessionEventFanout.Subscription subscription;

        Client(Caller caller, String sessionId, String interfaceType) {
            this.caller = caller;
            this.sessionId = sessionId;
            this.interfaceType = interfaceType;
        }
    }

    @OnOpen
    @Blocking
    public void onOpen(WebSocketConnection connection) {
        String sessionId = connection.pathParam("id");
        Map<String, String> query = QueryString.parse(connection.handshakeRequest().query());
        String interfaceType = query.getOrDefault("interface", DEFAULT_INTERFACE);
        String since = query.get("since");
        Session session;
        Caller caller;
        try {
            caller = authenticate(connection, query);
            // Held by this replica: if it dies without detaching, session-service clears the attachment.
            session = sessions.attach(caller, sessionId, new AttachRequest(interfaceType, null, replica.id()));
        } catch (ApiException e) {
            int code = switch (e.problem().status()) {
                case 401 -> CLOSE_UNAUTHORIZED;
                case 403 -> CLOSE_FORBIDDEN;
                case 404 -> CLOSE_SESSION_NOT_FOUND;
                default -> 1008;
            };
            connection.closeAndAwait(new CloseReason(code, e.problem().code()));
            return;
        } catch (RuntimeException e) {
            LOG.warnf("could not attach %s to session %s: %s", interfaceType, sessionId, e.toString());
            connection.closeAndAwait(new CloseReason(CLOSE_UNAVAILABLE, ErrorCodes.UNAVAILABLE));
            return;
        }
        Client client = new Client(caller, sessionId, interfaceType);
        clients.put(connection.id(), client);
        boolean badSince = since != null && !EventIds.isValid(since);
        // Taken before session.attached goes out, so that nothing written meanwhile is missed.
        String from = since != null && !badSince ? since : fanout.position(sessionId);
        connection.sendTextAndAwait(Json.encode(Event.sessionAttached(session)));
        if (badSince) {
            sendError(connection, ErrorCodes.VALIDATION_FAILED, "'since' is not an event id; sending new events only");
        }
        follow(connection, client, from);
    }

    @OnTextMessage
    @Blocking
    public void onMessage(WebSocketConnection connection, String frame) {
        Client client = clients.get(connection.id());
        if (client == null) {
            return;
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(frame);
        } catch (Exception e) {
            sendError(connection, ErrorCodes.VALIDATION_FAILED, "a frame must be a JSON object with a 'type'");
            return;
        }
        String type = json == null ? "" : json.path("type").asText("");
        switch (type) {
            case "ping" -> connection.sendTextAndAwait("{\"type\":\"pong\"}");
            case "message" -> postMessage(connection, client, json);
            case "resume" -> resume(connection, client, json);
            default -> sendError(connection, ErrorCodes.VALIDATION_FAILED,
                    "unknown frame type '" + type + "': use message, resume or ping");
        }
    }

    @OnClose
    @Blocking
    public void onClose(WebSocketConnection connection) {
        Client client = clients.remove(connection.id());
        if (client == null) {
            return;
        }
        if (client.subscription != null) {
            client.subscription.close();
        }
        boolean sameInterfaceStillOpen = clients.values().stream()
                .anyMatch(c -> c.sessionId.equals(client.sessionId) && c.interfaceType.equals(client.interfaceType));
        if (sameInterfaceStillOpen) {
            return; // another socket (a second tab) keeps this interface attached
        }
        try {
            sessions.detach(client.caller, client.sessionId, client.interfaceType);
        } catch (RuntimeException e) {
            LOG.debugf("could not detach %s from %s: %s", client.interfaceType, client.sessionId, e.toString());
        }
    }

    private void postMessage(WebSocketConnection connection, Client client, JsonNode frame) {
        JsonNode content = frame.get("content");
        JsonNode key = frame.get("idempotencyKey");
        if (content == null || !content.isTextual() || (key != null && !key.isNull() && !key.isTextual())) {
            sendError(connection, ErrorCodes.VALIDATION_FAILED, "'content' must be text, and 'idempotencyKey' text when given");
            return;
        }
        try {
            turns.accept(client.caller, client.sessionId, content.asText(), client.interfaceType,
                    key == null || key.isNull() ? null : key.asText());
        } catch (ApiException e) {
            sendError(connection, e.problem().code(), e.problem().detail());
        } catch (RuntimeException e) {
            LOG.warnf("could not accept a message on session %s: %s", client.sessionId, e.toString());
            sendError(connection, ErrorCodes.UNAVAILABLE, "the message could not be accepted; try again shortly");
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

    private void resume(WebSocketConnection connection, Client client, JsonNode frame) {
        String since = frame.path("since").asText(null);
        if (!EventIds.isValid(since)) {
            sendError(connection, ErrorCodes.VALIDATION_FAILED, "'since' must be an event id this API gave out");
            return;
        }
        follow(connection, client, since);
    }

    /** (Re)subscribes the socket to its session's events, after {@code since} when given. */
    private void follow(WebSocketConnection connection, Client client, String since) {
        SessionEventFanout.Subscription previous = client.subscription;
        if (previous != null) {
            previous.close();
        }
        client.subscription = fanout.subscribe(client.sessionId, since, event -> connection.sendText(Json.encode(event))
                .subscribe().with(sent -> { }, failure -> LOG.debugf("event %s not sent: %s", event.id(), failure.getMessage())));
    }

    private static void sendError(WebSocketConnection connection, String code, String message) {
        connection.sendTextAndAwait(Json.encode(Map.of("type", "error", "data", Map.of("code", code, "message", message))));
    }
}
