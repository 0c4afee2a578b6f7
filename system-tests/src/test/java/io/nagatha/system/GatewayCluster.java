package io.nagatha.system;

import static io.restassured.RestAssured.given;

import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.McpTestServers;
import io.nagatha.testing.ServiceProcess;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Nagatha for the gateway's system tests, started once for all of them and stopped after the
 * last: Redis, session-service, pool-service (server-everything over stdio), agent-service (the
 * model faked over HTTP) and two gateway replicas, A and B, with rate limits on and generous.
 * Replicas with other settings (small budgets, short timeouts) start on demand and are kept.
 * Use it with {@code @ExtendWith(GatewayCluster.Extension.class)} and {@link #get()}.
 */
final class GatewayCluster implements ExtensionContext.Store.CloseableResource {

    /** Limits A and B run with: on, and far above what a test sends. */
    static final Map<String, String> GENEROUS_LIMITS = Map.of(
            "nagatha.gateway.rate-limit.enabled", "true",
            "nagatha.gateway.rate-limit.requests.limit", "100000", "nagatha.gateway.rate-limit.requests.period", "1m",
            "nagatha.gateway.rate-limit.requests.burst", "20000",
            "nagatha.gateway.rate-limit.turns.limit", "10000", "nagatha.gateway.rate-limit.turns.period", "1m",
            "nagatha.gateway.rate-limit.turns.burst", "2000");

    private static volatile GatewayCluster current;

    final FakeOpenAi llm;
    final NagathaProcesses nagatha;
    final ServiceProcess session;
    final String a;
    final String b;
    private final Map<String, ServiceProcess> onDemand = new ConcurrentHashMap<>();

    private GatewayCluster() {
        llm = FakeOpenAi.start();
        Path config;
        try {
            config = McpTestServers.writeConfig(Files.createTempDirectory("gateway-it").resolve("mcp-servers.json"),
                    Map.of("everything", "{\"command\":\"node\",\"args\":[" + McpTestServers.quote(McpTestServers.script("everything"))
                            + ",\"stdio\"]}"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        nagatha = NagathaProcesses.onNewRedis()
                .configure("pool-service", Map.of("nagatha.pool.config-file", config.toString()))
                .configure("gateway", GENEROUS_LIMITS)
                .start(Map.of("nagatha.llm.base-url", llm.baseUrl(), "nagatha.llm.api-key", "sk-test",
                        "nagatha.llm.model", "gpt-4o-mini"));
        session = nagatha.all().get("session-service");
        a = nagatha.gatewayUrl();
        b = nagatha.replica("gateway", Map.of("nagatha.session-service.url", session.url())).url();
    }

    static GatewayCluster get() {
        if (current == null) {
            throw new IllegalStateException("use @ExtendWith(GatewayCluster.Extension.class)");
        }
        return current;
    }

    /** Starts the cluster once, for every test class that asks; closed after the last test of the run. */
    static final class Extension implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            current = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(GatewayCluster.class, k -> new GatewayCluster(), GatewayCluster.class);
        }
    }

    /**
     * A further gateway replica with its own settings (e.g. small budgets), started on first use
     * under {@code name} and shared by the tests that ask for the same name.
     */
    String gateway(String name, Map<String, String> config) {
        return onDemand.computeIfAbsent(name, n -> {
            Map<String, String> all = new HashMap<>(config);
            all.put("nagatha.session-service.url", session.url());
            return nagatha.replica("gateway", all);
        }).url();
    }

    String adminKey() {
        return nagatha.adminKey();
    }

    /** A new user with a key of their own (made with the admin key through gateway A). */
    String newUserKey(String userId) {
        return given().baseUri(a).header("Authorization", "Bearer " + adminKey()).contentType(ContentType.JSON)
                .body(Map.of("userId", userId, "name", "test " + userId)).post("/api/v1/keys")
                .then().statusCode(201).extract().path("key");
    }

    /** RestAssured against {@code base} with {@code key}. */
    static RequestSpecification as(String base, String key) {
        return given().baseUri(base).header("Authorization", "Bearer " + key);
    }

    /** A new session of the key's user, through {@code base}. */
    static String newSession(String base, String key, String interfaceType) {
        return as(base, key).contentType(ContentType.JSON).body(Map.of("interface", interfaceType, "mode", "new"))
                .post("/api/v1/sessions").then().statusCode(201).extract().path("id");
    }

    static String ws(String base, String sessionId, String key, String query) {
        return base.replace("http://", "ws://") + "/ws/v1/sessions/" + sessionId + "?access_token=" + key
                + (query == null || query.isEmpty() ? "" : "&" + query);
    }

    @Override
    public void close() {
        nagatha.close();
        llm.close();
    }
}
