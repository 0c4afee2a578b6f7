package io.nagatha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.testing.McpTestServers;
import io.nagatha.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pool's routes through the real gateway with real keys, on packaged services: the catalogue,
 * an admin tool call to server-everything over stdio, server states, usage, and a user key refused
 * where only admins may go.
 */
class ToolsThroughGatewayIT {

    static NagathaProcesses nagatha;
    static Http admin;
    static String gatewayUrl;

    @BeforeAll
    static void start() throws Exception {
        nagatha = NagathaProcesses.onNewRedis();
        Path config = McpTestServers.writeConfig(Files.createTempDirectory("tools-it").resolve("mcp-servers.json"),
                Map.of("everything", "{\"command\":\"node\",\"args\":[" + McpTestServers.quote(McpTestServers.script("everything"))
                        + ",\"stdio\"]}"));
        ServiceProcess session = nagatha.replica("session-service", Map.of());
        nagatha.replica("pool-service", Map.of("nagatha.pool.config-file", config.toString()));
        ServiceProcess gateway = nagatha.replica("gateway", Map.of("nagatha.session-service.url", session.url()));
        gatewayUrl = gateway.url();
        admin = Http.gateway(gatewayUrl, nagatha.adminKey());
    }

    @AfterAll
    static void stop() {
        if (nagatha != null) {
            nagatha.close();
        }
    }

    @Test
    void toolsServersCallsAndUsageThroughTheGateway() {
        await("echo in the catalogue").atMost(Duration.ofSeconds(60)).until(() -> admin.get("/api/v1/tools").body()
                .path("items").findValuesAsText("name").contains("echo"));

        Http.Reply call = admin.post("/api/v1/tools/everything/echo/calls", Map.of("arguments", Map.of("message", "hello pool")));
        assertThat(call.status()).as(call.body().toString()).isEqualTo(200);
        assertThat(call.body().get("ok").asBoolean()).isTrue();
        assertThat(call.body().get("isError").asBoolean()).isFalse();
        assertThat(call.body().at("/content/0/type").asText()).as("MCP content blocks keep their type").isEqualTo("text");
        assertThat(call.body().at("/content/0/text").asText()).contains("hello pool");

        // Each pool replica reports its servers every status interval (2 s): wait for a report with the connection.
        await("everything's connections reported").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode everything = admin.get("/api/v1/mcp/servers").body().get("items").findParents("name").stream()
                    .filter(s -> s.get("name").asText().equals("everything")).findFirst().orElseThrow();
            assertThat(everything.get("transport").asText()).isEqualTo("stdio");
            assertThat(everything.get("state").asText()).isEqualTo("ready");
            assertThat(everything.get("connections").size()).isPositive();
        });
        assertThat(admin.get("/api/v1/status").body().at("/mcp/servers").asInt()).isGreaterThanOrEqualTo(1);
        await("usage of the call").atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/v1/usage").body()
                .at("/tools/everything~1echo/calls").asInt() >= 1);

        String userKey = admin.post("/api/v1/keys", Map.of("userId", "u_tools", "name", "user")).body().get("key").asText();
        Http user = Http.gateway(gatewayUrl, userKey);
        assertThat(user.get("/api/v1/tools").status()).isEqualTo(200);
        Http.Reply refused = user.post("/api/v1/tools/everything/echo/calls", Map.of("arguments", Map.of("message", "x")));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().get("code").asText()).isEqualTo("forbidden");
        assertThat(user.post("/api/v1/mcp/servers/everything/restart", null).status()).isEqualTo(403);
        assertThat(new Http(gatewayUrl, Map.of()).get("/api/v1/tools").status()).isEqualTo(401);
        Http.Reply unknown = admin.post("/api/v1/tools/everything/no_such_tool/calls", Map.of("arguments", Map.of()));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("code").asText()).isEqualTo("tool_not_found");
    }
}
