package io.nagatha.session.repository;

import io.nagatha.contracts.AttachedInterface;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.SessionUsage;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sessions in Redis: a hash of scalar fields per session, a hash of attached interfaces, the
 * user's session index and the pointer to the user's active session.
 */
@ApplicationScoped
public class SessionRepository {

    private final RedisDataSource redis;
    private final HashCommands<String, String, String> hash;

    SessionRepository(RedisDataSource redis) {
        this.redis = redis;
        this.hash = redis.hash(String.class);
    }

    /** Stores a new session and indexes it under its user. */
    public void insert(Session session) {
        Map<String, String> fields = new HashMap<>();
        fields.put("id", session.id());
        fields.put("userId", session.userId());
        if (session.title() != null) {
            fields.put("title", session.title());
        }
        fields.put("active", String.valueOf(session.active()));
        fields.put("turnPolicy", session.turnPolicy());
        fields.put("createdAt", session.createdAt().toString());
        fields.put("lastActivity", session.lastActivity().toString());
        fields.put("messageCount", "0");
        hash.hset(Keys.session(session.id()), fields);
        for (AttachedInterface attached : session.interfaces()) {
            hash.hset(Keys.sessionInterfaces(session.id()), attached.type(), Json.encode(attached));
        }
        redis.sortedSet(String.class).zadd(Keys.userSessions(session.userId()), session.createdAt().toEpochMilli(), session.id());
        redis.sortedSet(String.class).zadd(Keys.ACTIVE_SESSIONS, session.lastActivity().toEpochMilli(), session.id());
    }

    /** Makes the session the user's active one unless another is; returns the active session's id. */
    public String claimActive(String userId, String sessionId) {
        String previous = redis.value(String.class).setGet(Keys.userActiveSession(userId), sessionId, new SetArgs().nx());
        return previous == null ? sessionId : previous;
    }

    /** Makes the session the user's active one, whatever was before. */
    public void setActive(String userId, String sessionId) {
        redis.value(String.class).set(Keys.userActiveSession(userId), sessionId);
    }

    public Optional<String> activeSessionId(String userId) {
        return Optional.ofNullable(redis.value(String.class).get(Keys.userActiveSession(userId)));
    }

    /** Removes a session that lost a creation race before anyone saw it. */
    public void discard(Session session) {
        redis.key().del(Keys.session(session.id()), Keys.sessionInterfaces(session.id()));
        redis.sortedSet(String.class).zrem(Keys.userSessions(session.userId()), session.id());
        redis.sortedSet(String.class).zrem(Keys.ACTIVE_SESSIONS, session.id());
    }

    public Optional<Session> find(String sessionId, Duration ttl) {
        Map<String, String> fields = hash.hgetall(Keys.session(sessionId));
        if (fields.isEmpty() || !fields.containsKey("id")) {
            return Optional.empty();
        }
        List<AttachedInterface> interfaces = hash.hgetall(Keys.sessionInterfaces(sessionId)).values().stream()
                .map(json -> Json.decode(json, AttachedInterface.class))
                .sorted(Comparator.comparing(AttachedInterface::attachedAt))
                .toList();
        Instant lastActivity = Instant.parse(fields.get("lastActivity"));
        return Optional.of(new Session(
                fields.get("id"),
                fields.get("userId"),
                fields.get("title"),
                Boolean.parseBoolean(fields.get("active")),
                fields.get("turnPolicy"),
                Instant.parse(fields.get("createdAt")),
                lastActivity,
                lastActivity.plus(ttl),
                interfaces,
                number(fields, "messageCount"),
                List.of(),
                new SessionUsage(number(fields, "promptTokens"), number(fields, "completionTokens"), number(fields, "toolCalls"))));
    }

    public void attach(String sessionId, AttachedInterface attached) {
        hash.hset(Keys.sessionInterfaces(sessionId), attached.type(), Json.encode(attached));
        touch(sessionId, attached.attachedAt());
    }

    /** Returns false when the interface was not attached. */
    public boolean detach(String sessionId, String interfaceType) {
        boolean removed = hash.hdel(Keys.sessionInterfaces(sessionId), interfaceType) > 0;
        if (removed) {
            touch(sessionId, Instant.now());
        }
        return removed;
    }

    private void touch(String sessionId, Instant at) {
        hash.hset(Keys.session(sessionId), "lastActivity", at.toString());
        redis.sortedSet(String.class).zadd(Keys.ACTIVE_SESSIONS, at.toEpochMilli(), sessionId);
    }

    private static long number(Map<String, String> fields, String name) {
        String value = fields.get(name);
        return value == null ? 0 : Long.parseLong(value);
    }
}
