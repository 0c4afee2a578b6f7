package io.nagatha.pool;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.McpConnectionStatus;
import io.nagatha.contracts.McpServerStatus;
import io.nagatha.contracts.ToolCallResult;
import io.nagatha.contracts.ToolCallStream;
import io.nagatha.pool.client.McpClientFactory;
import io.nagatha.pool.client.McpLink;
import io.nagatha.pool.client.ProcessKiller;
import io.nagatha.pool.config.ServerSpec;
import io.nagatha.pool.service.McpConnection;
import io.nagatha.pool.service.McpPool;
import io.nagatha.pool.service.ServerPool;
import io.nagatha.support.toolcall.ToolCallClient;
import io.nagatha.testing.McpTestServers;
import io.nagatha.testing.ProcessTable;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pool against the real reference MCP servers, every call through the tool-calls stream. */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
class McpPoolTest {

    private static final Duration CALL = Duration.ofSeconds(20);

    @Inject
    ToolCallClient client;

    @Inject
    McpPool pool;

    @Inject
    McpClientFactory factory;

    @Inject
    RedisDataSource redis;

    private ToolCallResult call(String server, String tool, String argumentsJson) {
        return client.call(server, tool, Json.decode(argumentsJson, JsonNode.class), "s_pooltest", "u_pooltest", CALL);
    }

    private static String text(ToolCallResult result) {
        return result.content().path(0).path("text").asText();
    }

    @Test
    void theCatalogueHoldsEveryServersToolsNamespaced() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(redis.hash(String.class).hkeys(Keys.TOOL_CATALOGUE))
                .contains("everything/echo", "everything/get-env", "everything-http/echo", "everything-sse/echo",
                        "memory/create_entities", "memory/read_graph", "filesystem/list_allowed_directories", "tiny/noop",
                        // registered after the handshake for a roots-capable client, announced by tools/list_changed
                        "everything/get-roots-list"));
        JsonNode echo = Json.decode(redis.hash(String.class).hget(Keys.TOOL_CATALOGUE, "everything/echo"), JsonNode.class);
        assertThat(echo.path("server").asText()).isEqualTo("everything");
        assertThat(echo.path("inputSchema").path("properties").has("message")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"everything", "everything-http", "everything-sse"})
    void echoWorksOverEveryTransport(String server) {
        ToolCallResult result = call(server, "echo", "{\"message\":\"hi " + server + "\"}");
        assertThat(result.ok()).as(result.error()).isTrue();
        assertThat(result.isError()).isFalse();
        assertThat(text(result)).isEqualTo("Echo: hi " + server);
        assertThat(result.content().get(0).path("type").asText()).as("content blocks keep their MCP type").isEqualTo("text");
    }

    @Test
    void memoryKeepsItsStateBetweenCallsOnTheSameServer() {
        ToolCallResult created = call("memory", "create_entities",
                "{\"entities\":[{\"name\":\"Nagatha\",\"entityType\":\"assistant\",\"observations\":[\"pools MCP connections\"]}]}");
        assertThat(created.ok()).as(created.error()).isTrue();
        ToolCallResult graph = call("memory", "read_graph", "{}");
        assertThat(graph.ok()).isTrue();
        assertThat(text(graph)).contains("Nagatha", "pools MCP connections");
    }

    @Test
    void filesystemGetsItsRootsFromThePool() throws java.io.IOException {
        ToolCallResult allowed = call("filesystem", "list_allowed_directories", "{}");
        assertThat(allowed.ok()).as(allowed.error()).isTrue();
        // Started with not-a-root; the roots the pool answered to roots/list replaced it.
        assertThat(text(allowed)).contains(PoolTestResource.dir.resolve("files").toRealPath().toString())
                .doesNotContain("not-a-root");
        ToolCallResult read = call("filesystem", "read_text_file",
                "{\"path\":" + McpTestServers.quote(PoolTestResource.dir.resolve("files/hello.txt").toString()) + "}");
        assertThat(text(read)).isEqualTo("hello from the filesystem server");
    }

    @Test
    void aToolsOwnErrorIsPassedThroughUnchanged() {
        ToolCallResult result = call("everything", "echo", "{}");
        assertThat(result.ok()).isTrue();
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).startsWith("MCP error -32602").contains("message");
    }

    @Test
    void anUnknownToolOrServerIsToolNotFound() {
        await().atMost(Duration.ofSeconds(30)).until(() -> redis.hash(String.class).hexists(Keys.TOOL_CATALOGUE, "everything/echo"));
        assertThat(call("everything", "no-such-tool", "{}").code()).isEqualTo(ErrorCodes.TOOL_NOT_FOUND);
        assertThat(call("no-such-server", "echo", "{}").code()).isEqualTo(ErrorCodes.TOOL_NOT_FOUND);
    }

    @Test
    void aCallPastItsDeadlineIsAnsweredWithoutRunning() {
        JsonNode args = Json.decode("{\"entities\":[{\"name\":\"TooLate\",\"entityType\":\"x\",\"observations\":[]}]}", JsonNode.class);
        ToolCallResult late = client.call("memory", "create_entities", args, null, null, Duration.ofMillis(-1));
        assertThat(late.ok()).isFalse();
        assertThat(late.code()).isEqualTo(ErrorCodes.UPSTREAM_TIMEOUT);
        assertThat(text(call("memory", "read_graph", "{}"))).doesNotContain("TooLate");
    }

    @Test
    void aStdioServerSeesOnlyTheEnvironmentItsConfigNames() {
        ToolCallResult result = call("everything", "get-env", "{}");
        assertThat(result.ok()).as(result.error()).isTrue();
        JsonNode env = Json.decode(text(result), JsonNode.class);
        List<String> names = new ArrayList<>();
        env.fieldNames().forEachRemaining(names::add);
        assertThat(names).contains("PROBE_VAR").isSubsetOf("PATH", "HOME", "PROBE_VAR");
        assertThat(env.path("PROBE_VAR").asText()).isEqualTo("from-config");
        assertThat(System.getenv().keySet()).as("the pool's own environment has more").hasSizeGreaterThan(names.size());
    }

    @Test
    void aKilledServerFailsItsCallAtOnceAndIsRestartedWithBackoff() {
        ServerPool everything = pool.server("everything").orElseThrow();
        assertThat(call("everything", "echo", "{\"message\":\"warm\"}").ok()).isTrue();
        Map<String, Long> usesBefore = everything.connections().stream()
                .collect(Collectors.toMap(McpConnection::id, c -> c.status().useCount()));
        CompletableFuture<ToolCallResult> longCall = client.submit("everything", "trigger-long-running-operation",
                Json.decode("{\"duration\":15,\"steps\":3}", JsonNode.class), null, null, Duration.ofSeconds(30));
        // The connection running the long call (busy, and used once more), not one being pinged.
        McpConnection busy = await().atMost(Duration.ofSeconds(10)).until(() -> everything.connections().stream()
                .filter(c -> McpConnectionStatus.BUSY.equals(c.state()) && c.status().useCount() > usesBefore.getOrDefault(c.id(), 0L))
                .findFirst().orElse(null), c -> c != null);
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(((org.jboss.logmanager.ExtLogRecord) record).getFormattedMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(ServerPool.class.getName());
        log.addHandler(capture);
        long killedAt = System.nanoTime();
        ProcessHandle.of(busy.pid().orElseThrow()).orElseThrow().destroyForcibly();
        ToolCallResult result = longCall.join();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        assertThat(result.ok()).isFalse();
        assertThat(result.code()).isEqualTo(ErrorCodes.UPSTREAM_ERROR);
        assertThat(result.error()).contains("exited with code");
        // Far below the 15 s the operation would run (room for a loaded machine): it failed with the process.
        assertThat(ms).as("the call fails when the process dies, not when the operation would have ended").isLessThan(5000);
        assertThat(busy.status().state()).isEqualTo(McpConnectionStatus.ERROR);
        assertThat(busy.status().errorCount()).isPositive();
        ToolCallResult next = call("everything", "echo", "{\"message\":\"after the kill\"}");
        assertThat(next.ok()).as(next.error()).isTrue();
        assertThat(text(next)).isEqualTo("Echo: after the kill");
        // Gone from the pool at the next upkeep (or sooner, when a new connection opens).
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(everything.connections()).noneMatch(c -> c.id().equals(busy.id())));
        log.removeHandler(capture);
        // The crash is logged once, with the backoff step it waits: no silent restarts, no storm of lines.
        assertThat(logged.stream().filter(m -> m.startsWith("everything: failed"))).singleElement().asString()
                .startsWith("everything: failed (1 in a row), next start in ").contains("exited with code");
    }

    @Test
    void aServerThatStopsAnsweringPingsIsReplaced() {
        ServerPool deaf = pool.server("tiny-deaf").orElseThrow();
        McpConnection first = await().atMost(Duration.ofSeconds(10)).until(
                () -> deaf.connections().stream().findFirst().orElse(null), c -> c != null);
        await().atMost(Duration.ofSeconds(10)).until(() -> McpConnectionStatus.ERROR.equals(first.state()));
        assertThat(first.status().lastError()).startsWith("health check: ping got no answer within 300 ms");
        await().atMost(Duration.ofSeconds(10)).until(() -> deaf.connections().stream()
                .anyMatch(c -> !c.id().equals(first.id()) && !McpConnectionStatus.ERROR.equals(c.state())));
        // A hung connection is killed with its process tree (server and grandchild), not left running.
        long firstPid = first.pid().orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessTable.matching(PoolTestResource.marker("deaf")).stream()
                .noneMatch(p -> p.pid() == firstPid || p.parent() == firstPid));
    }

    @Test
    void argumentsThatAreNotAnObjectAreRefused() {
        ToolCallResult result = client.call("everything", "echo", Json.decode("[1,2]", JsonNode.class), null, null, CALL);
        assertThat(result.code()).isEqualTo(ErrorCodes.VALIDATION_FAILED);
    }

    @Test
    void aServerThatNeverStartsCostsABoundedNumberOfAttempts() {
        ServerPool broken = pool.server("broken").orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> broken.failedAttempts() == 3);
        // The circuit is open: no further attempt, however long we watch and however often we call.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> broken.failedAttempts() == 3);
        ToolCallResult refused = call("broken", "anything", "{}");
        assertThat(refused.code()).isIn(ErrorCodes.UPSTREAM_ERROR, ErrorCodes.TOOL_NOT_FOUND);
        assertThat(broken.failedAttempts()).isEqualTo(3);
        McpServerStatus status = await().atMost(Duration.ofSeconds(5)).until(() -> redisStatus("broken"), s -> s != null);
        assertThat(status.state()).isEqualTo(McpServerStatus.ERROR);
        assertThat(status.attempts()).isEqualTo(3);
        assertThat(status.lastError()).contains("exited with code 3").contains("no config for me");
        assertThat(status.connections()).extracting(McpConnectionStatus::state).containsOnly(McpConnectionStatus.ERROR);
    }

    private McpServerStatus redisStatus(String server) {
        return redis.hash(String.class).hgetall(Keys.MCP_SERVERS).values().stream()
                .map(json -> Json.decode(json, McpServerStatus.class)).filter(s -> s.name().equals(server)).findFirst().orElse(null);
    }

    @Test
    void aThousandAcquireKillRestartCyclesLeaveNoOrphanProcess() {
        ServerPool tiny = pool.server("tiny").orElseThrow();
        // The probe sees a live connection's whole tree: the server and the grandchild it starts.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ProcessTable.matching(PoolTestResource.MARKER))
                .extracting(ProcessTable.Entry::commandLine).anyMatch(cmd -> cmd.startsWith(PoolTestResource.MARKER + "-grandchild"))
                .anyMatch(cmd -> cmd.contains("tiny-stdio.sh")));
        Set<Long> seen = new java.util.HashSet<>();
        for (int round = 0; round < 2000 && seen.size() < 1000; round++) {
            McpConnection connection = tiny.acquire(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
            // The last kill's exit can reach us before the pool's own exit watcher: skip that one.
            ProcessHandle process = ProcessHandle.of(connection.pid().orElseThrow()).filter(ProcessHandle::isAlive).orElse(null);
            if (process != null) {
                seen.add(process.pid());
                process.destroyForcibly(); // kill -9 of the server only: its grandchild is the pool's to find
                assertThat(process.onExit()).succeedsWithin(Duration.ofSeconds(5));
            }
            tiny.release(connection, null);
            if (seen.size() % 100 == 10) {
                // Early and then every 100 cycles, so a leak fails in seconds rather than after all of them.
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(orphans(tiny, PoolTestResource.MARKER)).isEmpty());
            }
        }
        assertThat(seen).hasSize(1000);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(orphans(tiny, PoolTestResource.MARKER)).isEmpty());
    }

    @Test
    void aClosedStdioClientNeverStartsASecondServerProcess() {
        // The SDK re-initialises a closed client on its next request; for stdio that would spawn a
        // server the pool does not know (the source of an orphan once in ~1,000 kill cycles).
        String marker = PoolTestResource.marker("reconnect");
        ServerSpec spec = new ServerSpec("reconnect", ServerSpec.Transport.STDIO, "bash",
                List.of(McpTestServers.tinyServer(), marker), Map.of(), Optional.empty(), null, Map.of(), List.of(), 1,
                Optional.empty());
        McpLink link = factory.open(spec, tools -> { });
        Process server = link.process().orElseThrow();
        long jvm = ProcessHandle.current().pid();
        try {
            assertThat(ProcessTable.matching(marker)).as("the server is this JVM's child")
                    .anyMatch(p -> p.pid() == server.pid() && p.parent() == jvm);
            link.client().close();
            assertThatThrownBy(() -> link.client().ping().block(Duration.ofSeconds(10))).isNotNull();
            // Only servers this JVM started count: the closed server's own subshells (each line it
            // reads forks a command substitution) carry the same command line while they wind down.
            assertThat(ProcessTable.matching(marker)).filteredOn(p -> p.commandLine().contains("tiny-stdio.sh") && p.parent() == jvm)
                    .extracting(ProcessTable.Entry::pid).allMatch(pid -> pid == server.pid());
        } finally {
            ProcessKiller.kill(server);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessTable.matching(marker).isEmpty());
    }

    /** Marked processes that are neither a live connection's server nor a child of one. */
    private static List<String> orphans(ServerPool server, String marker) {
        Set<Long> live = server.connections().stream().filter(c -> !McpConnectionStatus.ERROR.equals(c.state()))
                .map(c -> c.pid().orElse(-1)).collect(Collectors.toSet());
        return ProcessTable.matching(marker).stream().filter(p -> !live.contains(p.pid()) && !live.contains(p.parent()))
                .map(p -> p.pid() + " (parent " + p.parent() + ") " + p.commandLine()).toList();
    }

    @Test
    void theConfigFileIsReloadedServersComeAndGo() {
        String marker = PoolTestResource.marker("reload");
        PoolTestResource.writeServers(Map.of("tiny2", "{\"command\":\"bash\",\"args\":[" + McpTestServers.quote(McpTestServers.tinyServer())
                + "," + McpTestServers.quote(marker) + "]}"));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> redis.hash(String.class).hexists(Keys.TOOL_CATALOGUE, "tiny2/noop"));
            assertThat(call("tiny2", "noop", "{}").ok()).isTrue();
        } finally {
            PoolTestResource.writeServers(Map.of());
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(pool.server("tiny2")).isEmpty();
            assertThat(redis.hash(String.class).hexists(Keys.TOOL_CATALOGUE, "tiny2/noop")).isFalse();
            assertThat(ProcessTable.matching(marker)).isEmpty();
        });
        assertThat(call("tiny2", "noop", "{}").code()).isEqualTo(ErrorCodes.TOOL_NOT_FOUND);
    }

    @Test
    void connectionsBeyondTheWarmMinimumExpireWhenIdle() {
        ServerPool sse = pool.server("everything-sse").orElseThrow();
        List<CompletableFuture<ToolCallResult>> slow = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            slow.add(client.submit("everything-sse", "trigger-long-running-operation",
                    Json.decode("{\"duration\":1,\"steps\":1}", JsonNode.class), null, null, CALL));
        }
        slow.forEach(call -> assertThat(call.join().ok()).isTrue());
        assertThat(sse.connections()).as("three calls at once opened three connections").hasSizeGreaterThanOrEqualTo(3);
        // idle-timeout is 2 s in the tests, min-idle 1: the extra ones close, one stays warm.
        await().atMost(Duration.ofSeconds(10)).until(() -> sse.connections().size() == 1);
        assertThat(sse.connections().get(0).state()).isIn(McpConnectionStatus.IDLE, McpConnectionStatus.BUSY);
    }

    @Test
    void anOperatorRestartReplacesTheConnections() {
        assertThat(call("everything-http", "echo", "{\"message\":\"before\"}").ok()).isTrue();
        ServerPool http = pool.server("everything-http").orElseThrow();
        Set<String> before = http.connections().stream().map(McpConnection::id).collect(Collectors.toSet());
        redis.pubsub(String.class).publish(Keys.POOL_CONTROL, ToolCallStream.RESTART + "everything-http");
        await().atMost(Duration.ofSeconds(10)).until(() -> http.connections().stream().noneMatch(c -> before.contains(c.id())));
        assertThat(call("everything-http", "echo", "{\"message\":\"after\"}").ok()).isTrue();
    }

    @Test
    void usageIsCountedPerSessionUserAndToolAndExportedAsMetrics() {
        assertThat(call("everything", "get-sum", "{\"a\":2,\"b\":40}").ok()).isTrue();
        // Usage is written right after the answer, so it may trail the answer by a moment.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(redis.hash(String.class).hgetall(Keys.sessionToolUsage("s_pooltest"))).containsKey("everything/get-sum|calls");
            assertThat(redis.hash(String.class).hgetall(Keys.userToolUsage("u_pooltest"))).containsKey("everything/get-sum|ms");
            assertThat(redis.hash(String.class).hkeys(Keys.TOOL_LATENCY)).anyMatch(f -> f.startsWith("everything/get-sum|"));
        });
        given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .body(containsString("tool_calls_total{application=\"pool-service\",outcome=\"ok\",server=\"everything\",tool=\"get-sum\""))
                .body(containsString("tool_call_duration_seconds_bucket"))
                .body(containsString("mcp_connections{application=\"pool-service\",state=\"idle\""));
    }

    @Test
    void readinessReportsRedisAndLivenessTheToolCallReader() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200).body(containsString("tool-call-reader"));
        // Every call is acknowledged once answered (the acknowledgement trails the answer by a moment).
        await().atMost(Duration.ofSeconds(10)).until(
                () -> redis.stream(String.class).xpending(Keys.TOOL_CALLS, Keys.TOOL_CALLS_GROUP).getPendingCount() == 0);
    }
}
