package io.nagatha.system;

import io.nagatha.contracts.ApiKeys;
import io.nagatha.testing.FreePorts;
import io.nagatha.testing.RedisServer;
import io.nagatha.testing.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The four packaged services, each a JVM process of its own, on one real Redis. */
final class NagathaProcesses implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(90);

    private final Path root = Path.of(System.getProperty("nagatha.root", "..")).toAbsolutePath().normalize();
    private final Path logs = Path.of(System.getProperty("nagatha.logs", "target/service-logs"));
    private final RedisServer redis;
    /** The bootstrap admin key session-service stores at start-up, as the local runner's is. */
    private final String adminKey = ApiKeys.generate("systemtest");
    private final int sessionPort = FreePorts.next();
    private final int poolPort = FreePorts.next();
    private final int agentPort = FreePorts.next();
    private final int gatewayPort = FreePorts.next();
    private ServiceProcess session;
    private ServiceProcess pool;
    private ServiceProcess agent;
    private ServiceProcess gateway;
    private final List<ServiceProcess> extra = new ArrayList<>();
    private final Map<String, Map<String, String>> configured = new HashMap<>();

    private final boolean ownsRedis;

    NagathaProcesses(RedisServer redis) {
        this(redis, false);
    }

    private NagathaProcesses(RedisServer redis, boolean ownsRedis) {
        this.redis = redis;
        this.ownsRedis = ownsRedis;
    }

    /** Services to be started on a redis-server of their own, which {@link #close()} stops too. */
    static NagathaProcesses onNewRedis() {
        return new NagathaProcesses(RedisServer.start(), true);
    }

    RedisServer redis() {
        return redis;
    }

    /** Extra settings for a service, for {@link #start} and {@link #replica} to use. */
    NagathaProcesses configure(String service, Map<String, String> config) {
        configured.computeIfAbsent(service, s -> new HashMap<>()).putAll(config);
        return this;
    }

    /** Starts all four, the agent with the given model settings (empty: no model configured). */
    NagathaProcesses start(Map<String, String> llm) {
        session = start("session-service", sessionPort, Map.of("nagatha.identities.admin-key", adminKey));
        pool = start("pool-service", poolPort, Map.of());
        agent = start("agent-service", agentPort, llm);
        gateway = start("gateway", gatewayPort, Map.of("nagatha.session-service.url", "http://127.0.0.1:" + sessionPort));
        Stream.of(session, pool, agent, gateway).forEach(p -> p.awaitReady(READY));
        return this;
    }

    /** Starts a new agent process (after {@link ServiceProcess#kill}), with the given model settings. */
    ServiceProcess restartAgent(Map<String, String> llm) {
        if (agent.isAlive()) {
            agent.stop();
        }
        agent = start("agent-service", agentPort, llm).awaitReady(READY);
        return agent;
    }

    /** Starts the gateway again on its port, after {@link ServiceProcess#stop} (clients come back to the same URL). */
    ServiceProcess restartGateway() {
        if (gateway.isAlive()) {
            gateway.stop();
        }
        gateway = start("gateway", gatewayPort, Map.of("nagatha.session-service.url", "http://127.0.0.1:" + sessionPort)).awaitReady(READY);
        return gateway;
    }

    /**
     * Starts one more replica of a service on a free port, waits until it is ready, and stops it
     * with the rest. A session-service replica gets the bootstrap admin key like the first.
     */
    ServiceProcess replica(String service, Map<String, String> config) {
        Map<String, String> all = new HashMap<>(config);
        if (service.equals("session-service")) {
            all.putIfAbsent("nagatha.identities.admin-key", adminKey);
        }
        ServiceProcess process = start(service, FreePorts.next(), all).awaitReady(READY);
        extra.add(process);
        return process;
    }

    ServiceProcess agent() {
        return agent;
    }

    Map<String, ServiceProcess> all() {
        return Map.of("gateway", gateway, "session-service", session, "pool-service", pool, "agent-service", agent);
    }

    String adminKey() {
        return adminKey;
    }

    String gatewayUrl() {
        return gateway.url();
    }

    ServiceProcess gateway() {
        return gateway;
    }

    private ServiceProcess start(String service, int port, Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(configured.getOrDefault(service, Map.of()));
        config.putAll(extra);
        if (service.equals("gateway")) {
            // Tests drive many requests through one key; the gateway's own tests turn the limits on.
            config.putIfAbsent("nagatha.gateway.rate-limit.enabled", "false");
        }
        config.put("nagatha.redis.url", redis.url());
        config.put("nagatha.service.heartbeat-interval", "2s"); // 3 missed beats = gone: 1 s was missed on a loaded CI machine
        return ServiceProcess.start(service, root.resolve(service).resolve("target/quarkus-app"), port, config, logs);
    }

    /** Stops every service process; Redis and its data stay. */
    void stopServices() {
        extra.forEach(ServiceProcess::close);
        extra.clear();
        Stream.of(gateway, agent, pool, session).filter(p -> p != null).forEach(ServiceProcess::close);
    }

    @Override
    public void close() {
        stopServices();
        if (ownsRedis) {
            redis.close();
        }
    }
}
