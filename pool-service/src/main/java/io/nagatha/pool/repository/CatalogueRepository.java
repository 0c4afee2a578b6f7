package io.nagatha.pool.repository;

import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.ToolInfo;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The merged tool catalogue in Redis: one hash, field {@code server/tool}, value {@link ToolInfo}. */
@ApplicationScoped
public class CatalogueRepository {

    private final HashCommands<String, String, String> hash;

    CatalogueRepository(RedisDataSource redis) {
        this.hash = redis.hash(String.class);
    }

    /** Replaces one server's tools; every replica writes the same, so the last writer is as good as any. */
    public void replace(String server, List<ToolInfo> tools) {
        Map<String, String> fields = new LinkedHashMap<>();
        tools.forEach(tool -> fields.put(tool.qualifiedName(), Json.encode(tool)));
        List<String> stale = hash.hkeys(Keys.TOOL_CATALOGUE).stream()
                .filter(field -> field.startsWith(server + "/") && !fields.containsKey(field)).toList();
        if (!stale.isEmpty()) {
            hash.hdel(Keys.TOOL_CATALOGUE, stale.toArray(String[]::new));
        }
        if (!fields.isEmpty()) {
            hash.hset(Keys.TOOL_CATALOGUE, fields);
        }
    }

    public void remove(String server) {
        replace(server, List.of());
    }
}
