package io.nagatha.pool.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.modelcontextprotocol.spec.McpSchema;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.McpConnectionStatus;
import io.nagatha.contracts.McpServerStatus;
import io.nagatha.contracts.ToolCallRequest;
import io.nagatha.contracts.ToolCallResult;
import io.nagatha.contracts.ToolInfo;
import io.nagatha.pool.client.McpClientFactory;
import io.nagatha.pool.config.McpServersFile;
import io.nagatha.pool.config.PoolConfig;
import io.nagatha.pool.config.ServerSpec;
import io.nagatha.pool.repository.CatalogueRepository;
import io.nagatha.pool.repository.ServerStatusRepository;
import io.nagatha.pool.repository.UsageRepository;
import io.nagatha.support.heartbeat.ReplicaIdentity;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The pool: one {@link ServerPool} per configured server, the configuration file watched for
 * changes, the upkeep loop, and the single entry point for running a tool call with its bookkeeping
 * (catalogue, usage, metrics).
 */
@ApplicationScoped
public class McpPool {

    private static final Logger LOG = Logger.getLogger(McpPool.class);
    private static final Duration UPKEEP = Duration.ofMillis(200);
    private static final TypeReference<Map<String, Object>> ARGUMENTS = new TypeReference<>() {
    };
    /** Written as the list type, so each block keeps its MCP {@code type} ({@code text}, {@code image}, …). */
    private static final ObjectWriter CONTENT = Json.MAPPER.writerFor(new TypeReference<List<McpSchema.Content>>() {
    });

    private final PoolConfig config;
    private final McpClientFactory factory;
    private final CatalogueRepository catalogue;
    private final ServerStatusRepository statusRepository;
    private final UsageRepository usage;
    private final MeterRegistry metrics;
    private final String replica;
    private final Map<String, ServerPool> servers = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> toolNames = new ConcurrentHashMap<>();
    private ScheduledExecutorService upkeep;
    private MultiGauge serverStates;
    private ExecutorService background;
    private String loadedText;

    McpPool(PoolConfig config, McpClientFactory factory, CatalogueRepository catalogue, ServerStatusRepository statusRepository,
            UsageRepository usage, MeterRegistry metrics, ReplicaIdentity replica) {
        this.config = config;
        this.factory = factory;
        this.catalogue = catalogue;
        this.statusRepository = statusRepository;
        this.usage = usage;
        this.metrics = metrics;
        this.replica = replica.id();
    }

    void onStart(@Observes StartupEvent event) {
        AtomicInteger n = new AtomicInteger();
        background = Executors.newCachedThreadPool(r -> daemon(r, "mcp-pool-" + n.incrementAndGet()));
        upkeep = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mcp-upkeep"));
        for (String state : List.of(McpConnectionStatus.IDLE, McpConnectionStatus.BUSY, McpConnectionStatus.ERROR,
                McpConnectionStatus.CLOSED)) {
            Gauge.builder("mcp.connections", this, pool -> pool.count(state)).tag("state", state)
                    .description("MCP connections of this replica by state").register(metrics);
        }
        serverStates = MultiGauge.builder("mcp.servers").description("Configured MCP servers of this replica by state (1 = current)")
                .register(metrics);
        reload();
        upkeep.scheduleWithFixedDelay(this::reloadQuietly, config.reloadInterval().toMillis(), config.reloadInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        upkeep.scheduleWithFixedDelay(this::maintain, UPKEEP.toMillis(), UPKEEP.toMillis(), TimeUnit.MILLISECONDS);
        upkeep.scheduleWithFixedDelay(this::writeStatus, 0, config.statusInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        upkeep.shutdownNow();
        servers.values().parallelStream().forEach(pool -> pool.close(true));
        try {
            statusRepository.clear(replica);
        } catch (RuntimeException e) {
            LOG.debugf("could not clear this replica's server status: %s", e.getMessage());
        }
        background.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Runs one call: finds a connection, calls, gives the connection back, counts it in the metrics. */
    public ToolCallResult call(ToolCallRequest request) {
        long started = System.nanoTime();
        ToolCallResult result = run(request, started);
        String outcome = outcome(result);
        Counter.builder("tool.calls").tag("server", request.server()).tag("tool", request.tool()).tag("outcome", outcome)
                .description("Tool calls by outcome").register(metrics).increment();
        Timer.builder("tool.call.duration").tag("server", request.server()).tag("tool", request.tool())
                .publishPercentileHistogram().description("Tool call latency in the pool").register(metrics)
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        return result;
    }

    private static String outcome(ToolCallResult result) {
        return !result.ok() ? result.code() : Boolean.TRUE.equals(result.isError()) ? "tool_error" : "ok";
    }

    /**
     * Adds a call to the usage in Redis. Separate from {@link #call} so the caller can answer first:
     * usage is bookkeeping, the answer is what someone waits for.
     */
    public void recordUsage(ToolCallRequest request, ToolCallResult result) {
        if (ErrorCodes.TOOL_NOT_FOUND.equals(result.code()) || ErrorCodes.VALIDATION_FAILED.equals(result.code())) {
            return; // nothing ran
        }
        String qualified = Keys.toolField(request.server(), request.tool());
        try {
            usage.record(qualified, request.sessionId(), request.userId(), !"ok".equals(outcome(result)), result.ms());
        } catch (RuntimeException e) {
            LOG.warnf("usage of %s not recorded: %s", qualified, e.getMessage());
        }
    }

    private ToolCallResult run(ToolCallRequest request, long started) {
        ServerPool pool = servers.get(request.server());
        Set<String> tools = toolNames.get(request.server());
        if (pool == null || (tools != null && !tools.contains(request.tool()))) {
            return ToolCallResult.failure(request.callId(), ErrorCodes.TOOL_NOT_FOUND,
                    "no tool " + request.tool() + " on server " + request.server(), 0);
        }
        long deadline = started + Math.max(0, Duration.between(Instant.now(), request.deadline()).toNanos());
        if (request.arguments() != null && !request.arguments().isNull() && !request.arguments().isObject()) {
            return ToolCallResult.failure(request.callId(), ErrorCodes.VALIDATION_FAILED, "arguments must be a JSON object", 0);
        }
        Map<String, Object> arguments = request.arguments() == null || request.arguments().isNull() ? Map.of()
                : Json.MAPPER.convertValue(request.arguments(), ARGUMENTS);
        McpConnection connection;
        try {
            connection = pool.acquire(deadline);
        } catch (ToolCallException e) {
            return ToolCallResult.failure(request.callId(), e.code(), e.getMessage(), elapsed(started));
        }
        ToolCallException failure = null;
        try {
            Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(1)));
            Duration timeout = left.compareTo(config.requestTimeout()) < 0 ? left : config.requestTimeout();
            McpSchema.CallToolResult answer = connection.call(request.tool(), arguments, timeout);
            return ToolCallResult.success(request.callId(), content(answer.content()), Boolean.TRUE.equals(answer.isError()),
                    answer.structuredContent() == null ? null : Json.tree(answer.structuredContent()), elapsed(started));
        } catch (ToolCallException e) {
            failure = e;
            return ToolCallResult.failure(request.callId(), e.code(), e.getMessage(), elapsed(started));
        } finally {
            pool.release(connection, failure);
        }
    }

    private static JsonNode content(List<McpSchema.Content> content) {
        if (content == null) {
            return Json.MAPPER.createArrayNode();
        }
        // Into a token buffer rather than a string: the result is serialised once, on the way out.
        try (TokenBuffer tree = new TokenBuffer(Json.MAPPER, false)) {
            CONTENT.writeValue(tree, content);
            return Json.MAPPER.readTree(tree.asParser());
        } catch (IOException e) {
            throw new UncheckedIOException("MCP content that Jackson cannot write", e);
        }
    }

    private static long elapsed(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** The server, if configured (for tests and the control channel). */
    public Optional<ServerPool> server(String name) {
        return Optional.ofNullable(servers.get(name));
    }

    public Collection<McpServerStatus> status() {
        return servers.values().stream().map(pool -> pool.status(replica)).toList();
    }

    /** An operator's restart of one server; false when no such server is configured. */
    public boolean restart(String name) {
        ServerPool pool = servers.get(name);
        if (pool == null) {
            return false;
        }
        LOG.infof("%s: restart requested", name);
        pool.restart();
        return true;
    }

    private void onTools(String server, List<McpSchema.Tool> tools) {
        toolNames.put(server, Set.copyOf(tools.stream().map(McpSchema.Tool::name).toList()));
        List<ToolInfo> infos = tools.stream()
                .map(t -> new ToolInfo(server, t.name(), t.description(), Json.tree(t.inputSchema()))).toList();
        try {
            catalogue.replace(server, infos);
        } catch (RuntimeException e) {
            LOG.warnf("catalogue of %s not written (next reconnect retries): %s", server, e.getMessage());
        }
    }

    private double count(String state) {
        return servers.values().stream().flatMap(pool -> pool.connections().stream())
                .filter(c -> state.equals(c.state())).count();
    }

    private void maintain() {
        for (ServerPool pool : servers.values()) {
            try {
                pool.maintain();
            } catch (RuntimeException e) {
                LOG.warnf(e, "%s: upkeep failed", pool.spec().name());
            }
        }
    }

    private void writeStatus() {
        Collection<McpServerStatus> status = status();
        // One series per server, 1 for its current state: what the "MCP server in error" alert reads.
        serverStates.register(status.stream()
                .map(server -> MultiGauge.Row.of(Tags.of("server", server.name(), "state", server.state()), 1))
                .toList(), true);
        try {
            statusRepository.write(replica, status);
        } catch (RuntimeException e) {
            LOG.debugf("server status not written (Redis down?): %s", e.getMessage());
        }
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.warnf(e, "configuration reload failed; the servers keep running as they were");
        }
    }

    /**
     * Applies the configuration file if it changed: added servers start, removed ones drain and
     * close, changed ones are replaced. A file that cannot be read or parsed changes nothing.
     */
    synchronized void reload() {
        Optional<Path> file = config.configFile();
        String text;
        try {
            text = file.isPresent() ? Files.readString(file.get()) : "{\"mcpServers\":{}}";
        } catch (IOException e) {
            if (loadedText == null) {
                LOG.warnf("cannot read %s (%s): starting with no MCP servers", file.get(), e.getMessage());
                loadedText = "";
            }
            return;
        }
        if (text.equals(loadedText)) {
            return;
        }
        Map<String, ServerSpec> specs;
        try {
            specs = McpServersFile.parse(text, System::getenv, config);
        } catch (IllegalArgumentException e) {
            LOG.errorf("%s is not a valid mcpServers file (%s); keeping the previous servers", file.orElse(null), e.getMessage());
            loadedText = text;
            return;
        }
        loadedText = text;
        List<String> removed = new ArrayList<>();
        servers.forEach((name, pool) -> {
            if (!pool.spec().equals(specs.get(name))) {
                removed.add(name);
            }
        });
        for (String name : removed) {
            ServerPool pool = servers.remove(name);
            pool.close(false);
            toolNames.remove(name);
            if (!specs.containsKey(name)) {
                catalogue.remove(name);
            }
            LOG.infof("%s: removed from the pool", name);
        }
        specs.forEach((name, spec) -> servers.computeIfAbsent(name, n -> {
            LOG.infof("%s: added (%s)%s", n, spec.transport().label(), spec.problem().map(p -> ", but " + p).orElse(""));
            return new ServerPool(spec, config, factory, background, this::onTools);
        }));
        writeStatus();
    }
}
