package io.nagatha.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.nagatha.contracts.ApiKeys;
import io.nagatha.contracts.Keys;
import io.nagatha.testing.FreePorts;
import io.nagatha.testing.RedisServer;
import io.nagatha.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's redis.mode=sentinel, as the services receive it (NAGATHA_REDIS_URL listing the
 * sentinels, NAGATHA_REDIS_CLIENT_TYPE, NAGATHA_REDIS_MASTER_NAME): a real redis-sentinel in front
 * of a real master, the gateway and session-service find the master through it, and a session
 * created through the API lands on the master.
 */
class RedisSentinelIT {

    private static final Duration READY = Duration.ofSeconds(90);

    static RedisServer master;
    static Process sentinel;
    static ServiceProcess session;
    static ServiceProcess gateway;
    static String adminKey = ApiKeys.generate("sentineltest");

    @BeforeAll
    static void start() throws Exception {
        master = RedisServer.start();
        int sentinelPort = FreePorts.next();
        Path dir = Files.createTempDirectory("nagatha-sentinel-");
        // A sentinel rewrites its config file, so it gets one of its own.
        Path conf = Files.writeString(dir.resolve("sentinel.conf"), String.join("\n",
                "port " + sentinelPort, "bind 127.0.0.1", "dir " + dir,
                "sentinel monitor mymaster 127.0.0.1 " + master.port() + " 1", ""));
        sentinel = new ProcessBuilder(List.of(System.getenv().getOrDefault("NAGATHA_REDIS_SERVER", "redis-server"),
                conf.toString(), "--sentinel")).redirectErrorStream(true).redirectOutput(dir.resolve("sentinel.log").toFile()).start();

        Path root = Path.of(System.getProperty("nagatha.root", "..")).toAbsolutePath().normalize();
        Path logs = Path.of(System.getProperty("nagatha.logs", "target/service-logs")).resolve("sentinel");
        Map<String, String> redis = Map.of("nagatha.redis.url", "redis://127.0.0.1:" + sentinelPort,
                "nagatha.redis.client-type", "sentinel", "nagatha.redis.master-name", "mymaster");
        int sessionPort = FreePorts.next();
        session = ServiceProcess.start("session-service", root.resolve("session-service/target/quarkus-app"), sessionPort,
                merge(redis, Map.of("nagatha.identities.admin-key", adminKey)), logs).awaitReady(READY);
        gateway = ServiceProcess.start("gateway", root.resolve("gateway/target/quarkus-app"), FreePorts.next(),
                merge(redis, Map.of("nagatha.session-service.url", session.url())), logs).awaitReady(READY);
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new HashMap<>(a);
        all.putAll(b);
        return all;
    }

    @AfterAll
    static void stop() {
        for (ServiceProcess p : new ServiceProcess[] {gateway, session}) {
            if (p != null) {
                p.close();
            }
        }
        if (sentinel != null) {
            sentinel.destroy();
        }
        if (master != null) {
            master.close();
        }
    }

    @Test
    void theServicesFindTheMasterThroughTheSentinel() {
        Http admin = Http.gateway(gateway.url(), adminKey);
        Http.Reply created = admin.post("/api/v1/sessions", Map.of("interface", "cli", "mode", "new"));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String id = created.body().get("id").asText();

        assertThat(master.call("EXISTS", Keys.session(id))).isEqualTo(1L);
        assertThat(master.call("HLEN", "nagatha:services:gateway")).isEqualTo(1L);
        Http.Reply ready = new Http(session.url(), Map.of()).get("/q/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body().toString()).contains("\"default\":\"PONG\"", "\"streams\":\"PONG\"");
    }
}
