package io.nagatha.gateway.service;

import io.nagatha.contracts.Keys;
import io.nagatha.contracts.ToolUsage;
import io.nagatha.contracts.UsageReport;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

/**
 * Usage from what the services write: turns and tokens from the session hashes and the user's
 * totals (both written by the agent as turns finish; the user's outlive expired sessions), tools
 * from the pool's usage hashes.
 */
@ApplicationScoped
public class UsageService {

    /** Fields of the session hash and of the user's totals, counted by the agent as turns finish. */
    private static final List<String> FIELDS = List.of("turns", "promptTokens", "completionTokens");

    private final RedisDataSource redis;

    UsageService(RedisDataSource redis) {
        this.redis = redis;
    }

    /** The owner of a session, empty when there is no such session. */
    public Optional<String> owner(String sessionId) {
        return Optional.ofNullable(redis.hash(String.class).hget(Keys.session(sessionId), "userId"));
    }

    public UsageReport ofSession(String sessionId) {
        return report(counters(Keys.session(sessionId)), redis.hash(String.class).hgetall(Keys.sessionToolUsage(sessionId)));
    }

    public UsageReport ofUser(String userId) {
        return report(counters(Keys.userUsage(userId)), redis.hash(String.class).hgetall(Keys.userToolUsage(userId)));
    }

    /** The counters of a session's hash or a user's totals (same field names). */
    private long[] counters(String key) {
        Map<String, String> values = redis.hash(String.class).hmget(key, FIELDS.toArray(String[]::new));
        long[] out = new long[FIELDS.size()];
        for (int i = 0; i < out.length; i++) {
            String v = values.get(FIELDS.get(i));
            out[i] = v == null ? 0 : Long.parseLong(v);
        }
        return out;
    }

    private static UsageReport report(long[] sums, Map<String, String> toolFields) {
        Map<String, ToolUsage> tools = fromFields(toolFields);
        return new UsageReport(sums[0], new UsageReport.Tokens(sums[1], sums[2]), tools);
    }

    /** Reads a usage hash into {@code server/tool} to usage, sorted by tool. */
    private static Map<String, ToolUsage> fromFields(Map<String, String> fields) {
        Map<String, ToolUsage> tools = new TreeMap<>();
        fields.forEach((field, value) -> {
            int bar = field.lastIndexOf('|');
            if (bar > 0) {
                String tool = field.substring(0, bar);
                String suffix = field.substring(bar);
                long n = Long.parseLong(value);
                ToolUsage u = tools.getOrDefault(tool, new ToolUsage(0, 0, 0));
                tools.put(tool, switch (suffix) {
                    case ToolUsage.CALLS -> new ToolUsage(n, u.errors(), u.totalMs());
                    case ToolUsage.ERRORS -> new ToolUsage(u.calls(), n, u.totalMs());
                    case ToolUsage.MS -> new ToolUsage(u.calls(), u.errors(), n);
                    default -> u;
                });
            }
        });
        return tools;
    }
}
