package io.nagatha.gateway.service;

import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.McpConnectionStatus;
import io.nagatha.contracts.McpServerStatus;
import io.nagatha.contracts.ToolCallStream;
import io.nagatha.contracts.ToolInfo;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The pool as the gateway sees it, all from Redis: the tool catalogue, the servers merged over the
 * pool replicas that still report, and operator restarts sent to every replica.
 */
@ApplicationScoped
public class McpService {

    /** Best first: a server is as available as its most available replica says. */
    private static final List<String> STATE_ORDER = List.of(McpServerStatus.READY, McpServerStatus.STARTING,
            McpServerStatus.ERROR, McpServerStatus.CLOSED);

    private final RedisDataSource redis;
    private final Duration maxAge;

    McpService(RedisDataSource redis,
            @ConfigProperty(name = "nagatha.gateway.mcp-status-max-age", defaultValue = "15s") Duration maxAge) {
        this.redis = redis;
        this.maxAge = maxAge;
    }

    public List<ToolInfo> tools() {
        return redis.hash(String.class).hgetall(Keys.TOOL_CATALOGUE).values().stream()
                .map(json -> Json.decode(json, ToolInfo.class))
                .sorted(Comparator.comparing(ToolInfo::server).thenComparing(ToolInfo::name)).toList();
    }

    public boolean hasTool(String server, String tool) {
        return redis.hash(String.class).hexists(Keys.TOOL_CATALOGUE, Keys.toolField(server, tool));
    }

    /**
     * Every server, merged over the replicas whose report is fresher than the max age (a replica
     * that died stops reporting and drops out): state of the best replica, all their connections.
     */
    public List<McpServerStatus> servers() {
        Instant oldest = Instant.now().minus(maxAge);
        Map<String, List<McpServerStatus>> byName = new LinkedHashMap<>();
        for (String json : redis.hash(String.class).hgetall(Keys.MCP_SERVERS).values()) {
            McpServerStatus s = Json.decode(json, McpServerStatus.class);
            if (s.updatedAt() == null || s.updatedAt().isAfter(oldest)) {
                byName.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(s);
            }
        }
        return byName.values().stream().map(McpService::merge).sorted(Comparator.comparing(McpServerStatus::name)).toList();
    }

    private static McpServerStatus merge(List<McpServerStatus> replicas) {
        McpServerStatus best = replicas.stream().min(Comparator.comparingInt(s -> rank(s.state()))).orElseThrow();
        List<McpConnectionStatus> connections = replicas.stream().flatMap(s -> s.connections().stream()).toList();
        Instant lastHealthCheck = replicas.stream().map(McpServerStatus::lastHealthCheck).filter(i -> i != null)
                .max(Comparator.naturalOrder()).orElse(null);
        int tools = replicas.stream().mapToInt(McpServerStatus::tools).max().orElse(0);
        int attempts = replicas.stream().mapToInt(McpServerStatus::attempts).max().orElse(0);
        Instant updated = replicas.stream().map(McpServerStatus::updatedAt).filter(i -> i != null).max(Comparator.naturalOrder())
                .orElse(null);
        return new McpServerStatus(best.name(), best.transport(), best.state(), tools, lastHealthCheck, connections, attempts,
                best.lastError(), replicas.size() == 1 ? best.replica() : null, updated);
    }

    private static int rank(String state) {
        int i = STATE_ORDER.indexOf(state);
        return i < 0 ? STATE_ORDER.size() : i;
    }

    /** Asks every pool replica to restart the server; false when no replica reports it. */
    public boolean restart(String server) {
        if (servers().stream().noneMatch(s -> s.name().equals(server))) {
            return false;
        }
        redis.pubsub(String.class).publish(Keys.POOL_CONTROL, ToolCallStream.RESTART + server);
        return true;
    }
}
