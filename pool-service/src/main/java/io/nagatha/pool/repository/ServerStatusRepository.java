package io.nagatha.pool.repository;

import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.McpServerStatus;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each replica's view of its servers, in the {@link Keys#MCP_SERVERS} hash under
 * {@code server@replica}; readers merge the replicas and skip those without a heartbeat.
 */
@ApplicationScoped
public class ServerStatusRepository {

    private final HashCommands<String, String, String> hash;

    ServerStatusRepository(RedisDataSource redis) {
        this.hash = redis.hash(String.class);
    }

    /** Writes this replica's servers and removes its entries of servers it no longer has. */
    public void write(String replica, Collection<McpServerStatus> servers) {
        Map<String, String> fields = new LinkedHashMap<>();
        servers.forEach(s -> fields.put(Keys.mcpServerField(s.name(), replica), Json.encode(s)));
        List<String> stale = hash.hkeys(Keys.MCP_SERVERS).stream()
                .filter(f -> f.endsWith("@" + replica) && !fields.containsKey(f)).toList();
        if (!stale.isEmpty()) {
            hash.hdel(Keys.MCP_SERVERS, stale.toArray(String[]::new));
        }
        if (!fields.isEmpty()) {
            hash.hset(Keys.MCP_SERVERS, fields);
        }
    }

    public void clear(String replica) {
        write(replica, List.of());
    }
}
