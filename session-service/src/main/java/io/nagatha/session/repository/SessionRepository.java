package io.nagatha.session.repository;

import io.nagatha.contracts.AttachedInterface;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.SessionUsage;
import io.nagatha.contracts.StreamFields;
import io.nagatha.support.redis.LuaScript;
import io.nagatha.support.redis.SessionEventWriter;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.redis.datasource.sortedset.SortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ZAddArgs;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;
import io.quarkus.redis.datasource.value.SetArgs;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sessions in Redis: a hash of scalar fields per session, a hash of attached interfaces, the
 * user's session index, the pointer to the user's active session, and two global indexes by last
 * activity (active sessions; every session not yet expired). Changes that must not interleave
 * run as Lua scripts on the session's own keys.
 */
@ApplicationScoped
public class SessionRepository {

    private static final LuaScript PRESENCE = LuaScript.fromResource("lua/session-presence.lua");
    private static final LuaScript TOUCH = LuaScript.fromResource("lua/session-touch.lua");
    private static final LuaScript END = LuaScript.fromResource("lua/session-end.lua");
    private static final LuaScript EXPIRE = LuaScript.fromResource("lua/session-expire.lua");
    private static final LuaScript COMPARE_AND_SET = LuaScript.fromResource("lua/compare-and-set.lua");
    private static final LuaScript DELETE_IF_EQUALS = LuaScript.fromResource("lua/delete-if-equals.lua");
    private static final String TYPES_PLACEHOLDER = "__nagatha_interfaces__";

    /** What a script reported about the session it was run on. */
    public static final int NO_SESSION = -1;
    public static final int SESSION_ENDED = -2;

    private final RedisDataSource redis;
    private final HashCommands<String, String, String> hash;
    private final SortedSetCommands<String, String> zset;
    private final SessionEventWriter events;

    SessionRepository(RedisDataSource redis, SessionEventWriter events) {
        this.redis = redis;
        this.hash = redis.hash(String.class);
        this.zset = redis.sortedSet(String.class);
        this.events = events;
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
        fields.put("related", Json.encode(session.relatedSessions()));
        hash.hset(Keys.session(session.id()), fields);
        for (AttachedInterface attached : session.interfaces()) {
            hash.hset(Keys.sessionInterfaces(session.id()), attached.type(), Json.encode(attached));
        }
        long at = session.lastActivity().toEpochMilli();
        zset.zadd(Keys.userSessions(session.userId()), session.createdAt().toEpochMilli(), session.id());
        zset.zadd(Keys.ACTIVE_SESSIONS, at, session.id());
        zset.zadd(Keys.LIVE_SESSIONS, at, session.id());
        hash.hincrby(Keys.SESSION_STATS, "created", 1);
    }

    /** Makes the session the user's active one unless another is; returns the active session's id. */
    public String claimActive(String userId, String sessionId) {
        String previous = redis.value(String.class).setGet(Keys.userActiveSession(userId), sessionId, new SetArgs().nx());
        return previous == null ? sessionId : previous;
    }

    /** Makes the session the user's active one, whatever was before; returns the one it replaced. */
    public Optional<String> setActive(String userId, String sessionId) {
        return Optional.ofNullable(redis.value(String.class).setGet(Keys.userActiveSession(userId), sessionId));
    }

    /** Moves the user's active pointer from {@code expected} to {@code sessionId}; false if it moved meanwhile. */
    public boolean replaceActive(String userId, String expected, String sessionId) {
        return COMPARE_AND_SET.run(redis, List.of(Keys.userActiveSession(userId)), List.of(expected, sessionId)).toInteger() == 1;
    }

    public Optional<String> activeSessionId(String userId) {
        return Optional.ofNullable(redis.value(String.class).get(Keys.userActiveSession(userId)));
    }

    /** Lets go of the user's active-session pointer if it still names this session. */
    public void clearActive(String userId, String sessionId) {
        DELETE_IF_EQUALS.run(redis, List.of(Keys.userActiveSession(userId)), List.of(sessionId));
    }

    /** Removes a session that lost a creation race before anyone saw it. */
    public void discard(Session session) {
        redis.key().del(Keys.session(session.id()), Keys.sessionInterfaces(session.id()), Keys.sessionSockets(session.id()));
        zset.zrem(Keys.userSessions(session.userId()), session.id());
        zset.zrem(Keys.ACTIVE_SESSIONS, session.id());
        zset.zrem(Keys.LIVE_SESSIONS, session.id());
        hash.hincrby(Keys.SESSION_STATS, "created", -1);
    }

    public Optional<Session> find(String sessionId, Duration ttl) {
        Map<String, String> fields = hash.hgetall(Keys.session(sessionId));
        if (fields.isEmpty() || !fields.containsKey("id")) {
            return Optional.empty();
        }
        Instant lastActivity = Instant.parse(fields.get("lastActivity"));
        String related = fields.get("related");
        return Optional.of(new Session(
                fields.get("id"),
                fields.get("userId"),
                fields.get("title"),
                Boolean.parseBoolean(fields.get("active")),
                fields.get("turnPolicy"),
                Instant.parse(fields.get("createdAt")),
                lastActivity,
                lastActivity.plus(ttl),
                interfaces(sessionId).values().stream().sorted(Comparator.comparing(AttachedInterface::attachedAt)).toList(),
                number(fields, "messageCount"),
                related == null ? List.of() : List.of(Json.decode(related, String[].class)),
                new SessionUsage(number(fields, "promptTokens"), number(fields, "completionTokens"), number(fields, "toolCalls"))));
    }

    /** The session's attached interfaces by type. */
    public Map<String, AttachedInterface> interfaces(String sessionId) {
        Map<String, AttachedInterface> out = new HashMap<>();
        hash.hgetall(Keys.sessionInterfaces(sessionId)).forEach((type, json) -> out.put(type, Json.decode(json, AttachedInterface.class)));
        return out;
    }

    /** Raw stored JSON of one attachment, for a compare-and-delete by the cleanup. */
    public Map<String, String> rawInterfaces(String sessionId) {
        return hash.hgetall(Keys.sessionInterfaces(sessionId));
    }

    /** Attaches (or refreshes) an interface; 1 when the set of interfaces changed, or a negative status. */
    public int attach(String sessionId, AttachedInterface attached) {
        return attach(sessionId, attached, null);
    }

    /**
     * Attaches an interface for one open WebSocket ({@code connection}, unique across replicas; null
     * for an attachment that is not a socket's). The socket is recorded with its type and holder.
     */
    public int attach(String sessionId, AttachedInterface attached, String connection) {
        String socket = connection == null ? "" : Json.encode(new SocketRecord(attached.type(), attached.holder()));
        return presence(sessionId, "attach", attached.type(), Json.encode(attached), attached.attachedAt(), connection, socket);
    }

    /**
     * Detaches an interface; with {@code expectedJson} only if the attachment is still exactly that.
     * Returns 1 when it was detached, 0 when it was not attached (or changed), or a negative status.
     */
    public int detach(String sessionId, String type, String expectedJson) {
        return presence(sessionId, "detach", type, expectedJson == null ? "" : expectedJson, Instant.now(), null, "");
    }

    /**
     * Lets go of one WebSocket: the interface is detached only if it was that type's last open
     * socket. 1 when detached, 0 when other sockets keep it (or the socket was already gone).
     */
    public int detachSocket(String sessionId, String connection) {
        String record = hash.hget(Keys.sessionSockets(sessionId), connection);
        if (record == null) {
            return 0;
        }
        return presence(sessionId, "detach", Json.decode(record, SocketRecord.class).type(), "", Instant.now(), connection, "");
    }

    /** The session's open WebSockets: connection id to their record. */
    public Map<String, SocketRecord> sockets(String sessionId) {
        Map<String, SocketRecord> out = new HashMap<>();
        hash.hgetall(Keys.sessionSockets(sessionId)).forEach((id, json) -> out.put(id, Json.decode(json, SocketRecord.class)));
        return out;
    }

    /** One open WebSocket: the interface it attached and the gateway replica holding it. */
    public record SocketRecord(String type, String holder) {
    }

    private int presence(String sessionId, String op, String type, String json, Instant now, String connection, String socket) {
        String template = Json.encode(Event.presence(sessionId, List.of(TYPES_PLACEHOLDER)))
                .replace("[\"" + TYPES_PLACEHOLDER + "\"]", TYPES_PLACEHOLDER);
        int result = PRESENCE.run(redis, List.of(Keys.session(sessionId), Keys.sessionInterfaces(sessionId), Keys.events(sessionId),
                Keys.sessionSockets(sessionId)),
                List.of(op, type, json, now.toString(), String.valueOf(events.maxLen()), StreamFields.EVENT, template,
                        TYPES_PLACEHOLDER, connection == null ? "" : connection, socket)).toInteger();
        if (result >= 0) {
            rescore(sessionId, now);
        }
        return result;
    }

    /**
     * Records activity from an interface; false when the session does not exist. The activity
     * indexes are left alone, as the agent leaves them: the cleanup pass re-reads lastActivity before
     * it acts and moves the index then, which keeps messages one script cheaper.
     */
    public boolean touch(String sessionId, String type) {
        return TOUCH.run(redis, List.of(Keys.session(sessionId), Keys.sessionInterfaces(sessionId)),
                List.of(Instant.now().toString(), type)).toInteger() > 0;
    }

    /** Ends the session: 1 ended now, 0 already ended, {@link #NO_SESSION}. */
    public int end(String sessionId) {
        Instant now = Instant.now();
        int result = END.run(redis, List.of(Keys.session(sessionId), Keys.sessionInterfaces(sessionId), Keys.events(sessionId),
                Keys.sessionSockets(sessionId)),
                List.of(now.toString(), String.valueOf(events.maxLen()), StreamFields.EVENT,
                        Json.encode(Event.sessionEnded(sessionId)))).toInteger();
        if (result == 1) {
            zset.zrem(Keys.ACTIVE_SESSIONS, sessionId);
            zset.zadd(Keys.LIVE_SESSIONS, new ZAddArgs().xx(), now.toEpochMilli(), sessionId);
        }
        return result;
    }

    public void update(String sessionId, Map<String, String> fields, List<String> removed) {
        if (!fields.isEmpty()) {
            hash.hset(Keys.session(sessionId), fields);
        }
        if (!removed.isEmpty()) {
            hash.hdel(Keys.session(sessionId), removed.toArray(String[]::new));
        }
    }

    /**
     * Deletes the session if its lastActivity is still {@code seenLastActivity}. Returns its message
     * count when deleted, {@link #NO_SESSION} when already gone, -2 when it was touched meanwhile.
     */
    public long expire(String sessionId, String seenLastActivity) {
        return EXPIRE.run(redis, List.of(Keys.session(sessionId), Keys.sessionInterfaces(sessionId), Keys.events(sessionId),
                Keys.history(sessionId), Keys.sessionSockets(sessionId)), List.of(seenLastActivity)).toLong();
    }

    /** Takes an expired session out of every index. Idempotent. */
    public void unindex(String sessionId, String userId) {
        zset.zrem(Keys.ACTIVE_SESSIONS, sessionId);
        zset.zrem(Keys.LIVE_SESSIONS, sessionId);
        if (userId != null) {
            zset.zrem(Keys.userSessions(userId), sessionId);
            clearActive(userId, sessionId);
        }
    }

    /** The stored lastActivity and owner of a session, for the expiry pass; empty when gone. */
    public Optional<String[]> activityAndOwner(String sessionId) {
        Map<String, String> got = hash.hmget(Keys.session(sessionId), "lastActivity", "userId");
        return got.get("lastActivity") == null ? Optional.empty()
                : Optional.of(new String[] {got.get("lastActivity"), got.get("userId")});
    }

    /** Moves the session's place in the activity indexes (only where it is indexed already). */
    public void rescore(String sessionId, Instant lastActivity) {
        ZAddArgs existingOnly = new ZAddArgs().xx();
        zset.zadd(Keys.ACTIVE_SESSIONS, existingOnly, lastActivity.toEpochMilli(), sessionId);
        zset.zadd(Keys.LIVE_SESSIONS, existingOnly, lastActivity.toEpochMilli(), sessionId);
    }

    /** Up to {@code limit} ids of sessions whose indexed last activity is at or before {@code cutoff}. */
    public List<String> idleSince(Instant cutoff, int limit) {
        return zset.zrangebyscore(Keys.LIVE_SESSIONS, ScoreRange.from(Double.NEGATIVE_INFINITY, cutoff.toEpochMilli()),
                new ZRangeArgs().limit(0, limit));
    }

    /** Active session ids by rank, for a pass over all of them in batches. */
    public List<String> activeIds(long start, long stop) {
        return zset.zrange(Keys.ACTIVE_SESSIONS, start, stop);
    }

    public long activeCount() {
        return zset.zcard(Keys.ACTIVE_SESSIONS);
    }

    /**
     * The user's sessions, newest first: {@code count} entries from {@code offset} among those created
     * at or before {@code atOrBefore} (epoch ms; null for all).
     */
    public List<ScoredValue<String>> userSessions(String userId, Long atOrBefore, long offset, int count) {
        Response r = redis.execute("ZRANGE", Keys.userSessions(userId), atOrBefore == null ? "+inf" : atOrBefore.toString(),
                "-inf", "BYSCORE", "REV", "LIMIT", String.valueOf(offset), String.valueOf(count), "WITHSCORES");
        List<ScoredValue<String>> out = new ArrayList<>();
        // RESP3 answers a list of (member, score) pairs; RESP2 one flat list.
        if (r.size() > 0 && r.get(0).type() == ResponseType.MULTI) {
            r.forEach(pair -> out.add(new ScoredValue<>(pair.get(0).toString(), pair.get(1).toDouble())));
        } else {
            for (int i = 0; i + 1 < r.size(); i += 2) {
                out.add(new ScoredValue<>(r.get(i).toString(), r.get(i + 1).toDouble()));
            }
        }
        return out;
    }

    private static long number(Map<String, String> fields, String name) {
        String value = fields.get(name);
        return value == null ? 0 : Long.parseLong(value);
    }
}
