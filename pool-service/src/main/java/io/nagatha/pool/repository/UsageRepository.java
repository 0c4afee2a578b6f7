package io.nagatha.pool.repository;

import io.nagatha.contracts.Keys;
import io.nagatha.contracts.ToolUsage;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Tool usage in Redis, shared by every replica: calls, errors and summed latency per tool for
 * everyone, per session and per user, and a latency histogram per tool from which percentiles are
 * read. Fields are {@code <server/tool>|calls}, {@code |errors}, {@code |ms}; histogram fields are
 * {@code <server/tool>|<bucket upper bound in ms>}.
 */
@ApplicationScoped
public class UsageRepository {

    /** Upper bounds (ms) of the latency buckets; the last one takes everything slower. */
    public static final long[] BUCKETS_MS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
        Long.MAX_VALUE};

    private final RedisDataSource redis;

    UsageRepository(RedisDataSource redis) {
        this.redis = redis;
    }

    /** One call's usage; the commands share one pooled connection instead of taking one each. */
    public void record(String qualifiedTool, String sessionId, String userId, boolean error, long ms) {
        redis.withConnection(connection -> {
            HashCommands<String, String, Long> hash = connection.hash(Long.class);
            add(hash, Keys.TOOL_USAGE, qualifiedTool, error, ms);
            if (sessionId != null) {
                add(hash, Keys.sessionToolUsage(sessionId), qualifiedTool, error, ms);
            }
            if (userId != null) {
                add(hash, Keys.userToolUsage(userId), qualifiedTool, error, ms);
            }
            hash.hincrby(Keys.TOOL_LATENCY, qualifiedTool + "|" + bucket(ms), 1);
        });
    }

    private static void add(HashCommands<String, String, Long> hash, String key, String tool, boolean error, long ms) {
        hash.hincrby(key, tool + ToolUsage.CALLS, 1);
        if (error) {
            hash.hincrby(key, tool + ToolUsage.ERRORS, 1);
        }
        hash.hincrby(key, tool + ToolUsage.MS, ms);
    }

    static String bucket(long ms) {
        for (long bound : BUCKETS_MS) {
            if (ms <= bound) {
                return bound == Long.MAX_VALUE ? "inf" : Long.toString(bound);
            }
        }
        return "inf";
    }
}
