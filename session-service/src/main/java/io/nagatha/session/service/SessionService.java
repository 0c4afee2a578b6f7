package io.nagatha.session.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nagatha.contracts.AttachRequest;
import io.nagatha.contracts.AttachedInterface;
import io.nagatha.contracts.Caller;
import io.nagatha.contracts.CreateSessionRequest;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.EventIds;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.SessionPatch;
import io.nagatha.contracts.SessionResult;
import io.nagatha.contracts.SessionUsage;
import io.nagatha.session.config.SessionConfig;
import io.nagatha.session.repository.HistoryRepository;
import io.nagatha.session.repository.SessionRepository;
import io.nagatha.support.rest.ApiException;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The session rules: get-or-create, ownership, attach and detach, titles and turn policy, ending,
 * listing and history reads. A session that belongs to another user answers 404, exactly like one
 * that does not exist, so ids never reveal whether someone else's conversation exists.
 */
@ApplicationScoped
public class SessionService {

    private static final Pattern INTERFACE_TYPE = Pattern.compile("[a-z][a-z0-9_.-]{0,31}");
    private static final Pattern CURSOR = Pattern.compile("(\\d{1,15}):([A-Za-z0-9_-]{1,64})");
    private static final int MAX_CONNECTION_ID = 200;
    private static final Set<String> POLICIES = Set.of(Session.POLICY_QUEUE, Session.POLICY_REJECT, Session.POLICY_INTERRUPT);

    private final SessionRepository sessions;
    private final HistoryRepository history;
    private final SessionConfig config;
    private final Counter created;

    SessionService(SessionRepository sessions, HistoryRepository history, SessionConfig config, MeterRegistry metrics) {
        this.sessions = sessions;
        this.history = history;
        this.config = config;
        this.created = Counter.builder("nagatha.sessions.created").description("Sessions this replica created").register(metrics);
        Gauge.builder("nagatha.sessions.active", sessions, SessionRepository::activeCount)
                .description("Sessions not ended and not expired, across all replicas").register(metrics);
    }

    /**
     * {@code continue} returns the user's active session, whatever interface they used before, and
     * attaches the calling interface to it; {@code new} (or no active session) makes a fresh one,
     * related to the session it replaces.
     */
    public SessionResult getOrCreate(CreateSessionRequest request) {
        String mode = validate(request);
        AttachedInterface attached = attachment(request.interfaceType(), request.context(), null);
        // The pointer may name an ended session: it is not continued, but the new one is related to it.
        Optional<Session> current = sessions.activeSessionId(request.userId()).flatMap(id -> sessions.find(id, config.ttl()));
        if (CreateSessionRequest.MODE_CONTINUE.equals(mode) && current.filter(Session::active).isPresent()) {
            Optional<Session> joined = attachIfActive(current.get().id(), attached);
            if (joined.isPresent()) {
                return new SessionResult(joined.get(), false);
            }
        }
        List<String> related = current.map(s -> List.of(s.id())).orElse(List.of());
        Session created = newSession(request, attached, related);
        sessions.insert(created);
        this.created.increment();
        if (CreateSessionRequest.MODE_NEW.equals(mode)) {
            sessions.setActive(request.userId(), created.id());
            return new SessionResult(created, true);
        }
        // Become the active session unless a concurrent request of the same user got there first.
        boolean claimed = current.isPresent()
                ? sessions.replaceActive(request.userId(), current.get().id(), created.id())
                : sessions.claimActive(request.userId(), created.id()).equals(created.id());
        if (!claimed) {
            Optional<Session> other = sessions.activeSessionId(request.userId()).flatMap(id -> attachIfActive(id, attached));
            if (other.isPresent()) {
                // Both requests get that one session.
                sessions.discard(created);
                return new SessionResult(other.get(), false);
            }
            sessions.setActive(request.userId(), created.id());
        }
        return new SessionResult(created, true);
    }

    public Session get(Caller caller, String sessionId) {
        if (!Ids.isValid(sessionId)) {
            throw ApiException.sessionNotFound(sessionId);
        }
        return sessions.find(sessionId, config.ttl())
                .filter(s -> caller.mayAccess(s.userId()))
                .orElseThrow(() -> ApiException.sessionNotFound(sessionId));
    }

    /** The caller's sessions (or, for an admin, {@code user}'s), newest first. */
    public Page<Session> list(Caller caller, String activeFilter, String interfaceFilter, String user, String limit,
            String cursor) {
        String owner = user == null || user.isBlank() ? caller.userId() : user.strip();
        if (!caller.mayAccess(owner)) {
            throw ApiException.forbidden("only an admin key may list another user's sessions");
        }
        if (!Ids.isValid(owner)) {
            throw ApiException.invalid("'user' is not a valid user id");
        }
        Boolean active = parseBoolean("active", activeFilter);
        if (interfaceFilter != null) {
            validateInterface(interfaceFilter);
        }
        int size = pageSize(limit);
        Long afterScore = null;
        String afterId = null;
        if (cursor != null) {
            Matcher m = CURSOR.matcher(cursor);
            if (!m.matches()) {
                throw ApiException.invalid("'cursor' is not a cursor this API gave out: use nextCursor from a previous page");
            }
            afterScore = Long.parseLong(m.group(1));
            afterId = m.group(2);
        }
        List<Session> items = new ArrayList<>();
        String next = null;
        long offset = 0;
        int batch = Math.max(size * 2, 50);
        scan:
        while (true) {
            List<ScoredValue<String>> page = sessions.userSessions(owner, afterScore, offset, batch);
            for (ScoredValue<String> entry : page) {
                long score = (long) entry.score();
                // Entries with the cursor's own score come in descending id order: skip those already given.
                if (afterScore != null && score == afterScore && entry.value().compareTo(afterId) >= 0) {
                    continue;
                }
                Optional<Session> session = sessions.find(entry.value(), config.ttl());
                if (session.isEmpty() || (active != null && session.get().active() != active)
                        || (interfaceFilter != null && session.get().interfaces().stream().noneMatch(i -> i.type().equals(interfaceFilter)))) {
                    continue;
                }
                if (items.size() == size) {
                    Session last = items.get(items.size() - 1);
                    next = last.createdAt().toEpochMilli() + ":" + last.id();
                    break scan;
                }
                items.add(session.get());
            }
            if (page.size() < batch) {
                break;
            }
            offset += batch;
        }
        return new Page<>(items, next);
    }

    public Session patch(Caller caller, String sessionId, SessionPatch patch) {
        Session session = get(caller, sessionId);
        if (patch == null || (patch.title() == null && patch.turnPolicy() == null)) {
            throw ApiException.invalid("give 'title' and/or 'turnPolicy' (queue, reject or interrupt)");
        }
        Map<String, String> fields = new HashMap<>();
        List<String> removed = new ArrayList<>();
        if (patch.title() != null) {
            validateTitle(patch.title());
            if (patch.title().isBlank()) {
                removed.add("title");
            } else {
                fields.put("title", patch.title().strip());
            }
        }
        if (patch.turnPolicy() != null) {
            if (!POLICIES.contains(patch.turnPolicy())) {
                throw ApiException.invalid("'turnPolicy' must be queue, reject or interrupt");
            }
            fields.put("turnPolicy", patch.turnPolicy());
        }
        sessions.update(session.id(), fields, removed);
        return get(caller, sessionId);
    }

    /** Ends the session: clients get {@code session.ended}; its history stays readable until it expires. */
    public void end(Caller caller, String sessionId) {
        get(caller, sessionId);
        if (sessions.end(sessionId) == SessionRepository.NO_SESSION) {
            throw ApiException.sessionNotFound(sessionId);
        }
        // The user's active pointer keeps naming it: the next "continue" starts a session related to it.
    }

    public Session attach(Caller caller, String sessionId, AttachRequest request) {
        if (request == null) {
            throw ApiException.invalid("a body with 'interface' is required");
        }
        validateInterface(request.interfaceType());
        validateContext(request.context());
        get(caller, sessionId);
        if (request.connection() != null && (request.holder() == null || request.connection().isBlank()
                || request.connection().length() > MAX_CONNECTION_ID)) {
            throw ApiException.invalid("'connection' names a gateway's WebSocket: 1 to " + MAX_CONNECTION_ID
                    + " characters, with a 'holder'");
        }
        int result = sessions.attach(sessionId, attachment(request.interfaceType(), request.context(), request.holder()),
                request.connection());
        if (result == SessionRepository.SESSION_ENDED) {
            throw ended(sessionId);
        }
        return get(caller, sessionId);
    }

    /**
     * Detaches an interface; with {@code connection} (a gateway's WebSocket closing) only that socket
     * is let go, and the interface stays while another of its sockets is open on any replica.
     */
    public Session detach(Caller caller, String sessionId, String interfaceType, String connection) {
        get(caller, sessionId);
        if (connection != null) {
            sessions.detachSocket(sessionId, connection);
        } else if (interfaceType != null && INTERFACE_TYPE.matcher(interfaceType).matches()) {
            sessions.detach(sessionId, interfaceType, null);
        }
        return get(caller, sessionId);
    }

    /**
     * Records that a message arrives through {@code interfaceType} and returns the session as it was
     * when the message arrived (one read on a turn's path); an ended session takes no more messages.
     */
    public Session touch(Caller caller, String sessionId, String interfaceType) {
        Session session = get(caller, sessionId);
        if (!session.active() || !sessions.touch(sessionId, interfaceType == null ? "" : interfaceType)) {
            throw session.active() ? ApiException.sessionNotFound(sessionId) : ended(sessionId);
        }
        return session;
    }

    public Page<Message> history(Caller caller, String sessionId, String limit, String before) {
        get(caller, sessionId);
        int size = pageSize(limit);
        if (before != null && !EventIds.isValid(before)) {
            throw ApiException.invalid("'before' is not a cursor this API gave out: use nextCursor from a previous page");
        }
        return history.page(sessionId, size, before);
    }

    private Optional<Session> attachIfActive(String sessionId, AttachedInterface attached) {
        if (sessions.find(sessionId, config.ttl()).filter(Session::active).isEmpty()
                || sessions.attach(sessionId, attached) < 0) {
            return Optional.empty(); // ended or expired meanwhile
        }
        return sessions.find(sessionId, config.ttl());
    }

    private static AttachedInterface attachment(String type, JsonNode context, String holder) {
        Instant now = Instant.now();
        return new AttachedInterface(type, now, context, now, holder);
    }

    private static ApiException ended(String sessionId) {
        return ApiException.of(409, ErrorCodes.SESSION_ENDED, "Session ended",
                "session " + sessionId + " has ended; start or continue another one with POST /api/v1/sessions");
    }

    private Session newSession(CreateSessionRequest request, AttachedInterface attached, List<String> related) {
        Instant now = attached.attachedAt();
        return new Session(Ids.session(), request.userId(), blankToNull(request.title()), true,
                config.defaultTurnPolicy(), now, now, now.plus(config.ttl()), List.of(attached), 0, related,
                new SessionUsage(0, 0, 0));
    }

    private int pageSize(String limit) {
        if (limit == null) {
            return config.defaultPageSize();
        }
        try {
            int size = Integer.parseInt(limit.trim());
            if (size >= 1 && size <= config.maxPageSize()) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.invalid("'limit' must be a whole number from 1 to " + config.maxPageSize());
    }

    private static Boolean parseBoolean(String name, String value) {
        if (value == null) {
            return null;
        }
        return switch (value.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.invalid("'" + name + "' must be true or false");
        };
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
        if (request.title() != null) {
            validateTitle(request.title());
        }
        validateContext(request.context());
        return mode;
    }

    private void validateTitle(String title) {
        if (title.length() > config.maxTitleLength()) {
            throw ApiException.invalid("'title' is longer than " + config.maxTitleLength() + " characters");
        }
    }

    static void validateInterface(String type) {
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
