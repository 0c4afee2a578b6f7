package io.nagatha.bench;

import io.nagatha.contracts.ApiKeys;
import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.FreePorts;
import io.nagatha.testing.McpTestServers;
import io.nagatha.testing.RedisServer;
import io.nagatha.testing.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the turn benchmarks run against: one Redis, a fake model that answers at once, packaged
 * session-service, agent-service replicas (32 workers each), a gateway without per-user budgets and,
 * when asked, a pool-service with server-everything over stdio — each a JVM of its own.
 */
final class BenchStack implements AutoCloseable {

    final RedisServer redis = RedisServer.start();
    final FakeOpenAi llm = FakeOpenAi.start();
    final String adminKey = ApiKeys.generate("bench");
    private final List<ServiceProcess> processes = new ArrayList<>();
    private final Path root = Path.of(System.getProperty("user.dir"));
    private final Path work;
    private final List<String> jvm;
    final String gatewayUrl;

    BenchStack(int agents, boolean pool, List<String> jvm) {
        this.jvm = jvm;
        try {
            work = Files.createTempDirectory("turn-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int sessionPort = FreePorts.next();
        start("session-service", sessionPort, Map.of("nagatha.identities.admin-key", adminKey));
        if (pool) {
            Path config = McpTestServers.writeConfig(work.resolve("mcp-servers.json"), Map.of("everything",
                    "{\"command\":\"node\",\"args\":[" + McpTestServers.quote(McpTestServers.script("everything")) + ",\"stdio\"]}"));
            start("pool-service", FreePorts.next(), Map.of("nagatha.pool.config-file", config.toString()));
        }
        for (int i = 0; i < agents; i++) {
            start("agent-service", FreePorts.next(), Map.of("nagatha.llm.base-url", llm.baseUrl(), "nagatha.llm.api-key", "sk-bench",
                    "nagatha.agent.concurrency", "32", "nagatha.service.replica-id", "agent-" + i));
        }
        int gatewayPort = FreePorts.next();
        // The benchmark is one user sending far more than a person would: no budgets.
        start("gateway", gatewayPort, Map.of("nagatha.session-service.url", "http://127.0.0.1:" + sessionPort,
                "nagatha.gateway.rate-limit.enabled", "false"));
        processes.forEach(p -> p.awaitReady(Duration.ofSeconds(120)));
        gatewayUrl = "http://127.0.0.1:" + gatewayPort;
    }

    private void start(String service, int port, Map<String, String> own) {
        Map<String, String> config = new HashMap<>(own);
        config.put("nagatha.redis.url", redis.url());
        config.put("quarkus.log.category.\"io.nagatha\".level", "WARN");
        processes.add(ServiceProcess.start(service, root.resolve(service).resolve("target/quarkus-app"), port, config, work, jvm));
    }

    @Override
    public void close() {
        processes.forEach(ServiceProcess::close);
        llm.close();
        redis.close();
    }
}
