package io.nagatha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.McpTestServers;
import io.nagatha.testing.ServiceProcess;
import io.nagatha.testing.WsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard and the Prometheus alert rules query is one the running,
 * packaged services really export: the four services on real Redis, a turn through the fake model,
 * a tool call through the pool and a WebSocket client drive the traffic that makes labelled
 * series appear, then each name is looked up in the services' /q/metrics. The names come from
 * deploy/tools/metric-names.mjs, which reads the dashboard and rules with Prometheus's grammar.
 */
class DashboardMetricsIT {

    private static final Duration READY = Duration.ofSeconds(60);

    static NagathaProcesses nagatha;
    static FakeOpenAi llm;
    static Map<String, ServiceProcess> services = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        llm = FakeOpenAi.start();
        nagatha = NagathaProcesses.onNewRedis();
        Path config = McpTestServers.writeConfig(Files.createTempDirectory("metrics-it").resolve("mcp-servers.json"),
                Map.of("everything", "{\"command\":\"node\",\"args\":[" + McpTestServers.quote(McpTestServers.script("everything"))
                        + ",\"stdio\"]}"));
        // Sample the stream gauges and run the session pass every second, so every series exists soon.
        Map<String, String> fast = Map.of("nagatha.metrics.sample-interval", "1s");
        ServiceProcess session = nagatha.replica("session-service", with(fast, "nagatha.sessions.cleanup-interval", "1s"));
        services.put("session-service", session);
        services.put("pool-service", nagatha.replica("pool-service", with(fast, "nagatha.pool.config-file", config.toString())));
        Map<String, String> agent = new HashMap<>(fast);
        agent.putAll(Map.of("nagatha.llm.base-url", llm.baseUrl(), "nagatha.llm.api-key", "sk-test", "nagatha.llm.model", "gpt-4o-mini"));
        services.put("agent-service", nagatha.replica("agent-service", agent));
        services.put("gateway", nagatha.replica("gateway", with(fast, "nagatha.session-service.url", session.url())));
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> all = new HashMap<>(base);
        all.put(key, value);
        return all;
    }

    @AfterAll
    static void stop() {
        if (nagatha != null) {
            nagatha.close();
        }
        if (llm != null) {
            llm.close();
        }
    }

    @Test
    void everyMetricTheDashboardAndTheAlertsQueryIsExported() throws Exception {
        Set<String> queried = queriedMetricNames();
        assertThat(queried).as("names read from the dashboard and the rules").hasSizeGreaterThan(20)
                .contains("turns_total", "nagatha_stream_lag", "tool_calls_total", "mcp_servers");

        Http admin = Http.gateway(services.get("gateway").url(), nagatha.adminKey());
        String session = admin.post("/api/v1/sessions", Map.of("interface", "cli", "mode", "new")).body().get("id").asText();
        String wsUrl = services.get("gateway").url().replace("http", "ws") + "/ws/v1/sessions/" + session
                + "?interface=web&access_token=" + nagatha.adminKey();
        try (WsClient ws = WsClient.connect(wsUrl)) {
            Http.Reply turn = admin.post("/api/v1/sessions/" + session + "/messages?wait=30", Map.of("content", "hello metrics"));
            assertThat(turn.status()).as(turn.body().toString()).isEqualTo(200);
            await("the echo tool in the catalogue").atMost(READY).until(() -> admin.get("/api/v1/tools").body()
                    .path("items").findValuesAsText("name").contains("echo"));
            Http.Reply call = admin.post("/api/v1/tools/everything/echo/calls", Map.of("arguments", Map.of("message", "metrics")));
            assertThat(call.status()).as(call.body().toString()).isEqualTo(200);

            Set<String> wanted = new TreeSet<>(queried);
            // Gauges sampled on a schedule (streams, sessions by interface, server states) appear within seconds.
            await("every queried metric exported").atMost(READY).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Map<String, Set<String>> exported = exportedBy();
                assertThat(wanted.stream().filter(name -> !exported.containsKey(name)).toList())
                        .as("queried by deploy/grafana/nagatha.json or deploy/prometheus/nagatha-rules.yaml, exported by no service")
                        .isEmpty();
            });

            Map<String, Set<String>> exported = exportedBy();
            assertThat(exported.get("nagatha_websocket_clients")).as("the open socket is counted").contains("gateway");
            // The stream gauges come from every service that uses the stream, each tagged with its name.
            assertThat(exported.get("nagatha_stream_lag")).containsExactlyInAnyOrder("gateway", "agent-service", "pool-service");
        }
    }

    /** Metric name → the services whose /q/metrics has at least one sample of it. */
    private static Map<String, Set<String>> exportedBy() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, Set<String>> names = new TreeMap<>();
        for (Map.Entry<String, ServiceProcess> s : services.entrySet()) {
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(s.getValue().url() + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            metrics.body().lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split("[{ ]", 2)[0])
                    .forEach(name -> names.computeIfAbsent(name, n -> new TreeSet<>()).add(s.getKey()));
        }
        return names;
    }

    /** The names deploy/tools/metric-names.mjs prints (node and that folder's npm ci are needed, as for the MCP servers). */
    private static Set<String> queriedMetricNames() throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("nagatha.root", "..")).toAbsolutePath().normalize();
        Path tools = root.resolve("deploy/tools");
        if (!Files.isDirectory(tools.resolve("node_modules"))) {
            throw new IllegalStateException("the deployment tools are not installed: run (cd " + tools + " && npm ci)");
        }
        Process node = new ProcessBuilder("node", tools.resolve("metric-names.mjs").toString()).redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(out).isZero();
        return out.lines().map(String::strip).filter(line -> !line.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
    }
}
