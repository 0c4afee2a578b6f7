package io.nagatha.chaos;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local stack the faults run against: redis-server with AOF on (fsync on every write), a fake
 * OpenAI-compatible model, and two replicas — a and b — of each of the four packaged services on
 * loopback; the gateways reach session-service through a {@link Balancer}, as they would through a
 * Kubernetes Service. Takeover times are short ({@code reclaim-idle} 3 s) so that a run takes
 * minutes, not hours; everything else runs with its defaults.
 */
final class Stack implements AutoCloseable {

    static final Duration READY = Duration.ofSeconds(120);
    static final List<String> AOF = List.of("--appendonly", "yes", "--appendfsync", "always", "--save", "");

    /** One replica of a service on a fixed port, so that it can be killed and started again in its place. */
    final class Replica {
        final String service;
        final String id;
        final int port = FreePorts.next();
        private final Map<String, String> config;
        private ServiceProcess process;

        Replica(String service, String id, Map<String, String> config) {
            this.service = service;
            this.id = id;
            this.config = config;
        }

        void start() {
            process = ServiceProcess.start(service + "-" + id, root.resolve(service).resolve("target/quarkus-app"), port, config, logs);
        }

        void awaitReady() {
            process.awaitReady(READY);
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        /** The {@code nagatha.service.replica-id}: ids of consumers, runners and leases start with it. */
        String replicaId() {
            return config.get("nagatha.service.replica-id");
        }

        long pid() {
            return process.pid();
        }

        boolean alive() {
            return process.isAlive();
        }

        void kill() {
            process.kill();
        }

        void restart() {
            if (process.isAlive()) {
                process.stop();
            }
            start();
            awaitReady();
        }

        Path log() {
            return logs.resolve(service + "-" + id + ".log");
        }

        void stop() {
            if (process != null) {
                process.close();
            }
        }
    }

    final Path root;
    final Path work;
    final Path logs;
    final String adminKey = ApiKeys.generate("chaos");
    final String runMarker;
    final FakeOpenAi llm = FakeOpenAi.start();
    private final int redisPort = FreePorts.next();
    private final Path redisDir;
    private RedisServer redis;
    private final Balancer sessionBalancer;
    final Map<String, List<Replica>> replicas = new LinkedHashMap<>();
    private boolean closed;

    Stack(Path root) {
        this.root = root;
        try {
            String given = System.getProperty("nagatha.chaos.work");
            work = given != null ? Files.createDirectories(Path.of(given)) : Files.createTempDirectory("nagatha-chaos-");
            logs = Files.createDirectories(work.resolve("logs"));
            redisDir = Files.createDirectories(work.resolve("redis"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        runMarker = work.getFileName().toString();
        redis = RedisServer.start(redisPort, redisDir, AOF);
        Path mcpConfig = McpTestServers.writeConfig(work.resolve("mcp-servers.json"), Map.of("everything",
                "{\"command\":\"node\",\"args\":[" + McpTestServers.quote(McpTestServers.script("everything")) + ",\"stdio\"]}"));

        add("session-service", Map.of("nagatha.identities.admin-key", adminKey));
        add("pool-service", Map.of("nagatha.pool.config-file", mcpConfig.toString(), "nagatha.pool.consumer.reclaim-idle", "3s"));
        add("agent-service", Map.of("nagatha.llm.base-url", llm.baseUrl(), "nagatha.llm.api-key", "sk-chaos",
                "nagatha.agent.reclaim-idle", "3s"));
        sessionBalancer = new Balancer(replicas.get("session-service").stream().map(r -> r.port).toList());
        // A user sends far more turns here than a person would: no per-user budgets.
        add("gateway", Map.of("nagatha.session-service.url", sessionBalancer.url(), "nagatha.gateway.rate-limit.enabled", "false"));
        replicas.values().forEach(list -> list.forEach(Replica::start));
        replicas.values().forEach(list -> list.forEach(Replica::awaitReady));
    }

    private void add(String service, Map<String, String> own) {
        List<Replica> list = new ArrayList<>();
        for (String id : List.of("a", "b")) {
            Map<String, String> config = new HashMap<>(own);
            config.put("nagatha.redis.url", redis.url());
            config.put("nagatha.service.heartbeat-interval", "1s");
            config.put("nagatha.service.replica-id", service.replace("-service", "") + "-" + id);
            config.put("quarkus.log.category.\"io.nagatha\".level", "INFO");
            // Marks every process of this run, so that the end of the run can prove none is left.
            config.put("nagatha.chaos.run", runMarker);
            list.add(new Replica(service, id, config));
        }
        replicas.put(service, list);
    }

    List<Replica> of(String service) {
        return replicas.get(service);
    }

    Replica replica(String service, String id) {
        return of(service).stream().filter(r -> r.id.equals(id)).findFirst().orElseThrow();
    }

    List<String> gateways() {
        return of("gateway").stream().map(Replica::url).toList();
    }

    RedisServer redis() {
        return redis;
    }

    /** kill -9 of redis-server, then the same server on the same port and directory: it reads its AOF back. */
    void killRedis() {
        redis.kill();
    }

    void startRedis() {
        redis = RedisServer.start(redisPort, redisDir, AOF);
    }

    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        replicas.values().forEach(list -> list.stream().filter(Replica::alive).forEach(r -> pids.add(r.pid())));
        return pids;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Replica> all = new ArrayList<>();
        replicas.values().forEach(all::addAll);
        all.forEach(Replica::stop);
        sessionBalancer.close();
        redis.close();
        llm.close();
    }
}
