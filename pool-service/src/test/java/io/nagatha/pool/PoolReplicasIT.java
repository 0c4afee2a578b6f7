package io.nagatha.pool;

import static io.nagatha.testing.McpTestServers.quote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.ToolCallResult;
import io.nagatha.contracts.ToolCallStream;
import io.nagatha.support.toolcall.ToolCallClient;
import io.nagatha.testing.FreePorts;
import io.nagatha.testing.McpTestServers;
import io.nagatha.testing.RedisServer;
import io.nagatha.testing.ServiceProcess;
import io.nagatha.testing.StandaloneToolCalls;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two packaged pool-service replicas, separate processes, on one tool-calls stream and one Redis,
 * driven by the same {@link ToolCallClient} the agent and gateway use: many concurrent calls from
 * many sessions each get exactly one, correct answer, also when a replica is killed mid-load.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoolReplicasIT {

    private static final int CALLS = 2000;
    private static final Path LOGS = Path.of(System.getProperty("nagatha.logs", "target/service-logs"));

    static RedisServer redisServer;
    static StandaloneToolCalls calls;
    static RedisDataSource redis;
    static ToolCallClient client;
    static List<ServiceProcess> replicas = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        redisServer = RedisServer.start();
        Path config = Files.createTempDirectory("pool-it").resolve("mcp-servers.json");
        McpTestServers.writeConfig(config, Map.of("everything",
                "{\"command\":\"node\",\"args\":[" + quote(McpTestServers.script("everything")) + ",\"stdio\"]}"));
        Map<String, String> settings = Map.of("nagatha.redis.url", redisServer.url(),
                "nagatha.pool.config-file", config.toString(),
                "nagatha.pool.consumer.reclaim-idle", "2s",
                "nagatha.service.heartbeat-interval", "1s");
        for (String name : List.of("pool-a", "pool-b")) {
            replicas.add(ServiceProcess.start(name, Path.of("target/quarkus-app"), FreePorts.next(), settings, LOGS));
        }
        replicas.forEach(r -> r.awaitReady(Duration.ofSeconds(90)));
        calls = new StandaloneToolCalls(redisServer.url(), "it-caller");
        redis = calls.redis();
        client = calls.client();
        await().atMost(Duration.ofSeconds(60)).until(() -> redis.hash(String.class).hexists(Keys.TOOL_CATALOGUE, "everything/echo"));
    }

    @AfterAll
    static void stop() {
        replicas.forEach(ServiceProcess::close);
        if (calls != null) {
            calls.close();
        }
        if (redisServer != null) {
            redisServer.close();
        }
    }

    @Test
    @Order(1)
    void manyConcurrentCallsEachGetExactlyTheirOwnAnswer() {
        Map<String, CompletableFuture<ToolCallResult>> calls = submit("a", ignored -> null);
        assertAllAnsweredOnceAndCorrectly(calls);
    }

    @Test
    @Order(2)
    void killingAReplicaMidLoadLosesNoCallAndAnswersNoneTwice() {
        ServiceProcess victim = replicas.get(0);
        AtomicInteger done = new AtomicInteger();
        Map<String, CompletableFuture<ToolCallResult>> calls = submit("k", future -> future.thenRun(done::incrementAndGet));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> done.get() >= CALLS / 4);
        int answeredBeforeKill = done.get();
        victim.kill();
        assertThat(answeredBeforeKill).as("killed while calls were still running").isLessThan(CALLS);
        assertAllAnsweredOnceAndCorrectly(calls);
    }

    /** Submits the calls from 16 threads at once, 100 sessions; message = the call's own id. */
    private Map<String, CompletableFuture<ToolCallResult>> submit(String run, Function<CompletableFuture<ToolCallResult>, Object> watch) {
        ExecutorService senders = Executors.newFixedThreadPool(16);
        Map<String, CompletableFuture<ToolCallResult>> calls = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                String message = run + "-" + i;
                String session = "s_" + run + (i % 100);
                sent.add(CompletableFuture.runAsync(() -> {
                    CompletableFuture<ToolCallResult> f = client.submit("everything", "echo",
                            Json.decode("{\"message\":" + quote(message) + "}", com.fasterxml.jackson.databind.JsonNode.class),
                            session, "u_it", Duration.ofSeconds(60));
                    watch.apply(f);
                    calls.put(message, f);
                }, senders));
            }
            sent.forEach(CompletableFuture::join);
        } finally {
            senders.shutdown();
        }
        return calls;
    }

    private static void assertAllAnsweredOnceAndCorrectly(Map<String, CompletableFuture<ToolCallResult>> calls) {
        Map<String, ToolCallResult> results = new HashMap<>();
        calls.forEach((message, future) -> results.put(message, future.join()));
        assertThat(results).hasSize(CALLS);
        results.forEach((message, result) -> {
            assertThat(result.ok()).as(message + ": " + result.error()).isTrue();
            assertThat(result.content().path(0).path("text").asText()).as("answer to " + message).isEqualTo("Echo: " + message);
        });
        // Exactly one answer per call on the reply stream, not merely one that the client kept.
        Map<String, Long> answers = redis.stream(String.class).xrange(Keys.toolReplies("it-caller"),
                io.quarkus.redis.datasource.stream.StreamRange.of("-", "+")).stream()
                .map(StreamMessage::payload).map(p -> Json.decode(p.get(ToolCallStream.RESULT), ToolCallResult.class).callId())
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        Map<String, String> callIds = new HashMap<>();
        results.forEach((message, result) -> callIds.put(result.callId(), message));
        assertThat(callIds).hasSize(CALLS);
        callIds.keySet().forEach(id -> assertThat(answers.get(id)).as("answers to " + id).isEqualTo(1L));
    }
}
