package io.nagatha.session.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.AttachRequest;
import io.nagatha.contracts.AttachedInterface;
import io.nagatha.contracts.CreateSessionRequest;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventIds;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.SessionResult;
import io.nagatha.contracts.SessionUsage;
import io.nagatha.session.config.SessionConfig;
import io.nagatha.session.repository.HistoryRepository;
import io.nagatha.session.repository.SessionRepository;
import io.nagatha.support.redis.SessionEventWriter;
import io.nagatha.support.rest.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The session rules: get-or-create, attach and detach, and history reads. */
@ApplicationScoped
public class SessionService {

    private static final Pattern INTERFACE_TYPE = Pattern.compile("[a-z][a-z0-9_.-]{0,31}");

    private final SessionRepository sessions;
    private final HistoryRepository history;
    private final SessionEventWriter events;
    private final SessionConfig config;

    SessionService(SessionRepository sessions, HistoryRepository history, SessionEventWriter events, SessionConfig config) {
        this.sessions = sessions;
        this.history = history;
        this.events = events;
        this.config = config;
    }

    /**
     * {@code continue} returns the user's active session, whatever interface they used before, and
     * attaches the calling interface to it; {@code new} (or no active session) makes a fresh one.
     */
    public SessionResult getOrCreate(CreateSessionRequest request) {
        String mode = validate(request);
        AttachedInterface attached = new AttachedInterface(request.interfaceType(), Instant.now(), request.context());
        if (CreateSessionRequest.MODE_CONTINUE.equals(mode)) {
            Optional<Session> active = activeSession(request.userId());
            if (active.isPresent()) {
                return new SessionResult(attach(active.get(), attached), false);
            }
        }
        Session created = newSession(request, attached);
        sessions.insert(created);
        if (CreateSessionRequest.MODE_NEW.equals(mode)) {
            sessions.setActive(request.userId(), created.id());
            return new SessionResult(created, true);
        }
        String winner = sessions.claimActive(request.userId(), created.id());
        if (!winner.equals(created.id())) {
            Optional<Session> other = sessions.find(winner, config.ttl()).filter(Session::active);
            if (other.isPresent()) {
                // Another request of the same user created a session at the same moment: both get that one.
                sessions.discard(created);
                return new SessionResult(attach(other.get(), attached), false);
            }
            sessions.setActive(request.userId(), created.id());
        }
        return new SessionResult(created, true);
    }

    public Session get(String sessionId) {
        if (!Ids.isValid(sessionId)) {
            throw ApiException.sessionNotFound(sessionId);
        }
        return sessions.find(sessionId, config.ttl()).orElseThrow(() -> ApiException.sessionNotFound(sessionId));
    }

    public Session attach(String sessionId, AttachRequest request) {
        if (request == null) {
            throw ApiException.invalid("a body with 'interface' is required");
        }
        validateInterface(request.interfaceType());
        validateContext(request.context());
        return attach(get(sessionId), new AttachedInterface(request.interfaceType(), Instant.now(), request.context()));
    }

    public Session detach(String sessionId, String interfaceType) {
        Session session = get(sessionId);
        if (sessions.detach(sessionId, interfaceType)) {
            Session updated = get(sessionId);
            publishPresence(updated);
            return updated;
        }
        return session;
    }

    public Page<Message> history(String sessionId, String limit, String before) {
        get(sessionId);
        int size = config.defaultPageSize();
        if (limit != null) {
            try {
                size = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                throw ApiException.invalid("'limit' must be a whole number from 1 to " + config.maxPageSize());
            }
            if (size < 1 || size > config.maxPageSize()) {
                throw ApiException.invalid("'limit' must be a whole number from 1 to " + config.maxPageSize());
            }
        }
        if (before != null && !EventIds.isValid(before)) {
            throw ApiException.invalid("'before' is not a cursor this API gave out: use nextCursor from a previous page");
        }
        return history.page(sessionId, size, before);
    }

    private Optional<Session> activeSession(String userId) {
        return sessions.activeSessionId(userId)
                .flatMap(id -> sessions.find(id, config.ttl()))
                .filter(Session::active);
    }

    private Session attach(Session session, AttachedInterface attached) {
        boolean alreadyAttached = session.interfaces().stream().anyMatch(i -> i.type().equals(attached.type()));
        sessions.attach(session.id(), attached);
        Session updated = get(session.id());
        if (!alreadyAttached) {
            publishPresence(updated);
        }
        return updated;
    }

    private void publishPresence(Session session) {
        List<String> types = session.interfaces().stream().map(AttachedInterface::type).toList();
        events.append(Event.presence(session.id(), types));
    }

    private Session newSession(CreateSessionRequest request, AttachedInterface attached) {
        Instant now = attached.attachedAt();
        return new Session(Ids.session(), request.userId(), blankToNull(request.title()), true,
                config.defaultTurnPolicy(), now, now, now.plus(config.ttl()), List.of(attached), 0, List.of(),
                new SessionUsage(0, 0, 0));
    }

    private String validate(CreateSessionRequest request) {
        if (request == null) {
            throw ApiException.invalid("a body with 'interface' is required");
        }
        if (!Ids.isValid(request.userId())) {
            throw ApiException.invalid("'userId' is missing or not a valid id");
        }
        validateInterface(request.interfaceType());
        String mode = request.mode() == null ? CreateSessionRequest.MODE_CONTINUE : request.mode();
        if (!mode.equals(CreateSessionRequest.MODE_CONTINUE) && !mode.equals(CreateSessionRequest.MODE_NEW)) {
            throw ApiException.invalid("'mode' must be 'continue' or 'new'");
        }
        if (request.title() != null && request.title().length() > config.maxTitleLength()) {
            throw ApiException.invalid("'title' is longer than " + config.maxTitleLength() + " characters");
        }
        validateContext(request.context());
        return mode;
    }

    private static void validateInterface(String type) {
        if (type == null || !INTERFACE_TYPE.matcher(type).matches()) {
            throw ApiException.invalid("'interface' must be a lower-case name of up to 32 characters, "
                    + "such as cli, discord or websocket");
        }
    }

    private void validateContext(JsonNode context) {
        if (context == null || context.isNull()) {
            return;
        }
        if (!context.isObject()) {
            throw ApiException.invalid("'context' must be a JSON object");
        }
        if (Json.encode(context).getBytes(StandardCharsets.UTF_8).length > config.maxContextBytes()) {
            throw ApiException.invalid("'context' is larger than " + config.maxContextBytes() + " bytes");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
