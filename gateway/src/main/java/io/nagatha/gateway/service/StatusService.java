package io.nagatha.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.McpServerStatus;
import io.nagatha.contracts.ServiceReplica;
import io.nagatha.contracts.SessionStats;
import io.nagatha.support.heartbeat.ServiceDirectory;
import io.nagatha.support.redis.RedisErrors;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The system at a glance: which replicas run, how many sessions are active, how long the queues are. */
@ApplicationScoped
public class StatusService {

    /** The API's names for the services, and the names they record their heartbeats under. */
    private static final Map<String, String> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("gateway", "gateway");
        SERVICES.put("sessionService", "session-service");
        SERVICES.put("poolService", "pool-service");
        SERVICES.put("agentService", "agent-service");
    }
    private static final List<String> CONNECTION_STATES = List.of("idle", "busy", "error", "closed");

    private final RedisDataSource redis;
    private final ServiceDirectory directory;
    private final String version;
    private final McpService mcp;

    StatusService(RedisDataSource redis, ServiceDirectory directory, McpService mcp,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.redis = redis;
        this.directory = directory;
        this.version = version;
        this.mcp = mcp;
    }

    public record Status(String status, String version, Map<String, List<ServiceReplica>> services, SessionStats sessions,
            Map<String, Queue> queues, Mcp mcp) {
    }

    /** {@code length}: entries waiting or running (consumers delete what they finish); {@code pending}: running. */
    public record Queue(long length, long pending) {
    }

    public record Mcp(int servers, Map<String, Integer> byState) {
    }

    public Status status() {
        Map<String, List<ServiceReplica>> services = new LinkedHashMap<>();
        SERVICES.forEach((apiName, serviceName) -> services.put(apiName, directory.live(serviceName)));
        boolean allUp = services.values().stream().noneMatch(List::isEmpty);
        Map<String, Queue> queues = new LinkedHashMap<>();
        queues.put("turns", queue(Keys.TURNS, Keys.TURNS_GROUP));
        queues.put("toolCalls", queue(Keys.TOOL_CALLS, Keys.TOOL_CALLS_GROUP));
        return new Status(allUp ? "ok" : "degraded", version, services,
                sessions(), queues, mcp());
    }

    /** Active sessions counted now; the rest as session-service's last cleanup pass left them. */
    private SessionStats sessions() {
        Map<String, String> stats = redis.hash(String.class).hgetall(Keys.SESSION_STATS);
        Map<String, Long> byInterface = new TreeMap<>();
        String interfaces = stats.get("byInterface");
        if (interfaces != null) {
            Json.decode(interfaces, JsonNode.class).fields()
                    .forEachRemaining(e -> byInterface.put(e.getKey(), e.getValue().asLong()));
        }
        String messages = stats.get("messagesPerSession");
        String computedAt = stats.get("computedAt");
        return new SessionStats(redis.sortedSet(String.class).zcard(Keys.ACTIVE_SESSIONS), byInterface,
                Long.parseLong(stats.getOrDefault("created", "0")), Long.parseLong(stats.getOrDefault("expired", "0")),
                messages == null ? new SessionStats.MessagesPerSession(0, 0)
                        : Json.decode(messages, SessionStats.MessagesPerSession.class),
                computedAt == null ? null : Instant.parse(computedAt));
    }

    private Queue queue(String stream, String group) {
        long length = redis.stream(String.class).xlen(stream);
        long pending;
        try {
            pending = redis.stream(String.class).xpending(stream, group).getPendingCount();
        } catch (RuntimeException e) {
            if (!RedisErrors.contains(e, "NOGROUP")) {
                throw e;
            }
            pending = 0; // no consumer has started yet
        }
        return new Queue(length, pending);
    }

    private Mcp mcp() {
        Map<String, Integer> byState = new LinkedHashMap<>();
        CONNECTION_STATES.forEach(state -> byState.put(state, 0));
        List<McpServerStatus> servers = mcp.servers();
        servers.forEach(server -> server.connections().forEach(c -> byState.merge(c.state(), 1, Integer::sum)));
        return new Mcp(servers.size(), byState);
    }
}
