package io.nagatha.contracts;

/**
 * Every Redis key and stream name Nagatha uses, in one place.
 *
 * <p>Keys that belong to one session carry the session id as a hash tag ({@code {sessionId}}), and
 * keys of one user carry the user id, so that a Lua script or MULTI touching several keys of one
 * session stays inside one Redis Cluster slot.
 */
public final class Keys {

    /** Turns waiting for an agent; read through the consumer group {@link #TURNS_GROUP}. */
    public static final String TURNS = "nagatha:turns";
    public static final String TURNS_GROUP = "agents";

    /** Turn entries that could not be decoded, kept with the reason for an operator to inspect. */
    public static final String TURNS_DEAD_LETTER = "nagatha:turns:dead";

    /** Tool calls waiting for the pool; read through the consumer group {@link #TOOL_CALLS_GROUP}. */
    public static final String TOOL_CALLS = "nagatha:tool-calls";
    public static final String TOOL_CALLS_GROUP = "pool";

    /** Sorted set: id of every active (not ended) session, scored by its last activity (epoch ms). */
    public static final String ACTIVE_SESSIONS = "nagatha:sessions:active";

    /**
     * Sorted set: id of every session not yet expired, ended ones included, scored by last activity
     * as last seen by session-service; the expiry pass re-reads the session before it acts.
     */
    public static final String LIVE_SESSIONS = "nagatha:sessions:live";

    /** Hash: session totals ({@code created}, {@code expired}) and the last cleanup pass's snapshot. */
    public static final String SESSION_STATS = "nagatha:stats:sessions";

    /** String with a TTL: held by the session-service replica running the cleanup pass. */
    public static final String SESSION_CLEANUP_LEASE = "nagatha:sessions:cleanup-lease";

    /**
     * Users, identities, API keys and link codes share one hash tag: they are small, and linking
     * must move an identity between users in one atomic script, also on Redis Cluster.
     */
    private static final String AUTH = "nagatha:{auth}:";

    /** Hash: API key id to {@link ApiKey} JSON (its hash, never the key). */
    public static final String API_KEYS = AUTH + "keys";

    /** Hash: user id to the user's record JSON. */
    public static final String USERS = AUTH + "users";

    /** Hash written by the pool service: server name to its state as JSON. */
    public static final String MCP_SERVERS = "nagatha:mcp:servers";

    private Keys() {
    }

    /** Hash: the session's scalar fields (see {@link Session}). */
    public static String session(String sessionId) {
        return "nagatha:session:" + tag(sessionId);
    }

    /** Hash: interface type to {@link AttachedInterface} JSON. */
    public static String sessionInterfaces(String sessionId) {
        return session(sessionId) + ":interfaces";
    }

    /**
     * Hash: one entry per open WebSocket, connection id to {@code {type, holder}} JSON. An interface
     * type held by sockets stays attached until its last socket closes, whichever replica holds it.
     */
    public static String sessionSockets(String sessionId) {
        return session(sessionId) + ":sockets";
    }

    /** Stream: the session's {@link Event}s, trimmed to a bounded length; entry id = event id. */
    public static String events(String sessionId) {
        return session(sessionId) + ":events";
    }

    /** Stream: the session's {@link Message}s, oldest first, trimmed to a bounded length. */
    public static String history(String sessionId) {
        return session(sessionId) + ":history";
    }

    /** Hash: state of one turn (status, attempts, ids), so a re-delivered turn is never answered twice. */
    public static String turn(String sessionId, String turnId) {
        return session(sessionId) + ":turn:" + turnId;
    }

    /**
     * List: ids of the session's turns not yet finished, in the order they were accepted; the
     * head is the one running (or next to run). Turns of one session run one at a time, in this order.
     */
    public static String sessionTurnQueue(String sessionId) {
        return session(sessionId) + ":queue";
    }

    /**
     * Hash with a TTL ({@code owner}, {@code token}): the lease of the agent worker that runs the
     * session's turns. Every write of a running turn checks the token, so a worker that lost the
     * lease (it stalled and another took over) can write nothing more.
     */
    public static String sessionLease(String sessionId) {
        return session(sessionId) + ":lease";
    }

    /** Counter: the last fencing token handed out with the session's lease; only ever grows. */
    public static String sessionFence(String sessionId) {
        return session(sessionId) + ":fence";
    }

    /** Hash: turn id to the reason a waiting or running turn is to stop ({@code interrupted}, {@code cancelled}). */
    public static String sessionTurnStops(String sessionId) {
        return session(sessionId) + ":stops";
    }

    /** String: the turn that a client's idempotency key started, kept for a bounded time. */
    public static String idempotency(String sessionId, String idempotencyKey) {
        return session(sessionId) + ":idem:" + idempotencyKey;
    }

    /** Sorted set: the user's sessions, scored by creation time (epoch ms). */
    public static String userSessions(String userId) {
        return "nagatha:user:" + tag(userId) + ":sessions";
    }

    /** String: id of the user's active session, the one {@code mode=continue} returns. */
    public static String userActiveSession(String userId) {
        return "nagatha:user:" + tag(userId) + ":active";
    }

    /** Hash: replica id to {@link ServiceReplica} JSON, refreshed by each replica's heartbeat. */
    public static String serviceReplicas(String serviceName) {
        return "nagatha:services:" + serviceName;
    }

    /** Stream: written to wake a gateway replica's event tail when its set of watched sessions grows. */
    public static String gatewayWake(String replicaId) {
        return "nagatha:gateway:" + tag(replicaId) + ":wake";
    }

    /**
     * String: the user's rate-limit state for one budget ({@code requests}, {@code turns}): the
     * theoretical arrival time of the next request (GCRA), in ms, with a TTL.
     */
    public static String rateLimit(String userId, String budget) {
        return "nagatha:user:" + tag(userId) + ":rate:" + budget;
    }

    /** String: the user an interface identity ({@code discord:<snowflake>}, …) maps to. */
    public static String identity(String identity) {
        return AUTH + "identity:" + identity;
    }

    /** Set: every identity that maps to the user. */
    public static String userIdentities(String userId) {
        return AUTH + "user:" + userId + ":identities";
    }

    /** String with a TTL: a link code, holding the id of the user it links to. */
    public static String linkCode(String code) {
        return AUTH + "link-code:" + code;
    }

    /** Counter with a TTL: the user's failed link attempts in the current window. */
    public static String linkFailures(String userId) {
        return AUTH + "link-failures:" + userId;
    }

    private static String tag(String id) {
        return "{" + id + "}";
    }

    // ---- Memory: every key of a user's memory carries the user's hash tag ----

    /**
     * Set: the keys of the user's entries in one memory section, for listing. A member whose entry
     * has expired is removed the next time the section is listed.
     */
    public static String memorySection(String userId, String section) {
        return "nagatha:user:" + tag(userId) + ":memory:" + section;
    }

    /** String: one memory entry as JSON, with a native TTL when the entry has one. */
    public static String memoryEntry(String userId, String section, String key) {
        return memorySection(userId, section) + ":" + key;
    }

    // ---- MCP pool (pool-service writes, agent and gateway read) ----

    /** Hash: {@code server/tool} to {@link ToolInfo} JSON, the merged catalogue of every server. */
    public static final String TOOL_CATALOGUE = "nagatha:mcp:tools";

    /** Tool-call entries that could not be decoded, kept with the reason for an operator. */
    public static final String TOOL_CALLS_DEAD_LETTER = "nagatha:tool-calls:dead";

    /** Pub/sub channel: pool control messages (e.g. {@code restart <server>}) to every pool replica. */
    public static final String POOL_CONTROL = "nagatha:mcp:control";

    /** Hash: {@code server/tool} usage of everyone, fields {@code <server/tool>|calls|errors|ms}. */
    public static final String TOOL_USAGE = "nagatha:usage:tools";

    /** Hash: latency histogram of every tool, fields {@code <server/tool>|<bucket upper bound ms>}. */
    public static final String TOOL_LATENCY = "nagatha:usage:tool-latency";

    /** Field of {@link #TOOL_CATALOGUE} and of the usage hashes: the tool's namespaced name. */
    public static String toolField(String server, String tool) {
        return server + "/" + tool;
    }

    /** Field of {@link #MCP_SERVERS}: one server as seen by one pool replica. */
    public static String mcpServerField(String server, String replicaId) {
        return server + "@" + replicaId;
    }

    /** Stream: the replies to one caller's tool calls (one stream per caller replica). */
    public static String toolReplies(String callerId) {
        return "nagatha:tool-replies:" + tag(callerId);
    }

    /**
     * String: set once when a call was answered, so a re-delivered call is never answered twice. It
     * shares the reply stream's hash tag, so one script writes both.
     */
    public static String toolCallDone(String replyStream, String callId) {
        return replyStream + ":done:" + callId;
    }

    /** True when {@code key} is a reply stream a caller may name in {@code replyTo}. */
    public static boolean isToolReplies(String key) {
        return key != null && key.startsWith("nagatha:tool-replies:{") && key.endsWith("}") && key.indexOf('}') == key.length() - 1;
    }

    /** Hash: tool usage of one session (same fields as {@link #TOOL_USAGE}). */
    public static String sessionToolUsage(String sessionId) {
        return session(sessionId) + ":tool-usage";
    }

    /**
     * Hash: what the user's turns consumed, summed over all their sessions and kept when sessions
     * expire ({@code turns promptTokens completionTokens toolCalls}).
     */
    public static String userUsage(String userId) {
        return "nagatha:user:" + tag(userId) + ":usage";
    }

    /** Hash: tool usage of one user (same fields as {@link #TOOL_USAGE}). */
    public static String userToolUsage(String userId) {
        return "nagatha:user:" + tag(userId) + ":tool-usage";
    }
}
