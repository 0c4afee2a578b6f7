package io.nagatha.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.support.toolcall.ToolCallClient;
import io.nagatha.testing.FreePorts;
import io.nagatha.testing.McpTestServers;
import io.nagatha.testing.RedisServer;
import io.nagatha.testing.ServiceProcess;
import io.nagatha.testing.StandaloneToolCalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.awaitility.Awaitility;

/**
 * Tool-call latency of server-everything's {@code echo}: through the pool (call on the tool-calls
 * stream → a packaged pool-service replica → result back on the caller's reply stream) beside a
 * direct call over one stdio connection with the MCP SDK, sequential and at concurrency 8 and 32.
 * Each latency is one call's own nanoTime span, recorded in an HdrHistogram.
 */
public final class PoolBench {

    private static final int[] CONCURRENCY = {1, 8, 32};

    private PoolBench() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int poolConnections = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Path root = McpTestServers.mcpDir().getParent();
        Path work = Files.createTempDirectory("pool-bench");
        Path config = McpTestServers.writeConfig(work.resolve("mcp-servers.json"), Map.of("everything",
                "{\"command\":\"node\",\"args\":[" + McpTestServers.quote(McpTestServers.script("everything"))
                        + ",\"stdio\"],\"maxConnections\":" + poolConnections + "}"));
        System.out.printf("echo on @modelcontextprotocol/server-everything (stdio); %d calls per row after %d warm-up calls;"
                + " pool: 1 replica, up to %d connections%n%n", calls, warmUp, poolConnections);
        System.out.printf("%-8s %11s %7s %9s %9s %9s %9s%n", "path", "concurrency", "calls", "p50 ms", "p90 ms", "p99 ms",
                "calls/s");
        try (RedisServer redis = RedisServer.start();
                ServiceProcess pool = ServiceProcess.start("pool-service", root.resolve("pool-service/target/quarkus-app"),
                        FreePorts.next(), Map.of("nagatha.redis.url", redis.url(), "nagatha.pool.config-file", config.toString(),
                                "quarkus.log.category.\"io.nagatha\".level", "INFO"), work)) {
            McpAsyncClient direct = directClient();
            try {
                JsonNode message = Json.decode("{\"message\":\"bench\"}", JsonNode.class);
                Map<String, Object> arguments = Map.of("message", "bench");
                IntFunction<CompletableFuture<?>> directCall = i -> direct
                        .callTool(new McpSchema.CallToolRequest("echo", arguments)).toFuture();
                run("direct", directCall, warmUp, calls);

                pool.awaitReady(Duration.ofSeconds(90));
                try (StandaloneToolCalls tools = new StandaloneToolCalls(redis.url(), "bench")) {
                    Awaitility.await().atMost(Duration.ofSeconds(60))
                            .until(() -> tools.redis().hash(String.class).hexists(Keys.TOOL_CATALOGUE, "everything/echo"));
                    ToolCallClient client = tools.client();
                    IntFunction<CompletableFuture<?>> poolCall = i -> client.submit("everything", "echo", message, null, null,
                            Duration.ofSeconds(30)).thenAccept(result -> {
                                if (!result.ok()) {
                                    throw new IllegalStateException(result.code() + ": " + result.error());
                                }
                            });
                    run("pool", poolCall, warmUp, calls);
                }
            } finally {
                direct.closeGracefully().block(Duration.ofSeconds(5));
            }
        }
    }

    private static McpAsyncClient directClient() {
        ServerParameters params = ServerParameters.builder("node").args(McpTestServers.script("everything"), "stdio").build();
        McpAsyncClient client = McpClient.async(new StdioClientTransport(params, new JacksonMcpJsonMapper(Json.MAPPER)))
                .requestTimeout(Duration.ofSeconds(30)).build();
        client.initialize().block(Duration.ofSeconds(30));
        return client;
    }

    private static void run(String path, IntFunction<CompletableFuture<?>> call, int warmUp, int calls) throws InterruptedException {
        measure(call, 8, warmUp);
        for (int concurrency : CONCURRENCY) {
            Result r = measure(call, concurrency, calls);
            Histogram h = r.histogram();
            System.out.printf("%-8s %11d %7d %9.3f %9.3f %9.3f %9.0f%n", path, concurrency, h.getTotalCount(),
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                    h.getTotalCount() / (r.wallNanos() / 1e9));
        }
    }

    private record Result(Histogram histogram, long wallNanos) {
    }

    /** Issues {@code calls} calls from one thread, at most {@code concurrency} in flight; latency in µs. */
    private static Result measure(IntFunction<CompletableFuture<?>> call, int concurrency, int calls) throws InterruptedException {
        Histogram histogram = new Histogram(Duration.ofMinutes(1).toNanos() / 1000, 3);
        Semaphore inFlight = new Semaphore(concurrency);
        long started = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            inFlight.acquire();
            long t0 = System.nanoTime();
            call.apply(i).whenComplete((ignored, error) -> {
                if (error == null) {
                    synchronized (histogram) {
                        histogram.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                    }
                } else {
                    System.err.println("call failed: " + error.getMessage());
                }
                inFlight.release();
            });
        }
        inFlight.acquire(concurrency);
        return new Result(histogram, System.nanoTime() - started);
    }
}
