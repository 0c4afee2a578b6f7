package io.nagatha.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.McpConnectionStatus;
import io.nagatha.contracts.McpServerStatus;
import io.nagatha.contracts.ToolCallRequest;
import io.nagatha.contracts.ToolCallResult;
import io.nagatha.contracts.ToolCallStream;
import io.nagatha.contracts.ToolInfo;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XReadArgs;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's routes in the gateway, over a real Redis holding what pool replicas write; for calls,
 * the test answers on the stream the way a pool replica does.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class PoolRoutesTest {

    @Inject
    RedisDataSource redis;

    @BeforeEach
    void poolReplicasReported() {
        redis.key().del(Keys.TOOL_CATALOGUE, Keys.MCP_SERVERS);
        redis.hash(String.class).hset(Keys.TOOL_CATALOGUE, Map.of(
                "everything/echo", Json.encode(new ToolInfo("everything", "echo", "Echoes", Json.decode("{\"type\":\"object\"}", JsonNode.class))),
                "memory/read_graph", Json.encode(new ToolInfo("memory", "read_graph", "Reads", Json.object()))));
        Instant now = Instant.now();
        McpConnectionStatus idle = new McpConnectionStatus("everything-1", "idle", now, now, 3, 0, null);
        McpConnectionStatus busy = new McpConnectionStatus("everything-2", "busy", now, now, 5, 1, "x");
        McpConnectionStatus failed = new McpConnectionStatus("broken-none", "error", null, null, 0, 3, "exited with code 3");
        redis.hash(String.class).hset(Keys.MCP_SERVERS, Map.of(
                Keys.mcpServerField("everything", "r1"), Json.encode(new McpServerStatus("everything", "stdio", "ready", 13, now,
                        List.of(idle), 0, null, "r1", now)),
                Keys.mcpServerField("everything", "r2"), Json.encode(new McpServerStatus("everything", "stdio", "error", 13, now,
                        List.of(busy), 1, "x", "r2", now)),
                Keys.mcpServerField("broken", "r1"), Json.encode(new McpServerStatus("broken", "stdio", "error", 0, null,
                        List.of(failed), 3, "exited with code 3", "r1", now)),
                Keys.mcpServerField("gone", "dead"), Json.encode(new McpServerStatus("gone", "stdio", "ready", 1, null,
                        List.of(idle), 0, null, "dead", now.minusSeconds(3600)))));
    }

    @Test
    @TestSecurity(user = "u1", roles = "user")
    void toolsAreListedNamespacedAndSorted() {
        given().get("/api/v1/tools").then().statusCode(200)
                .body("items.server", contains("everything", "memory"))
                .body("items.name", contains("echo", "read_graph"))
                .body("items[0].inputSchema.type", equalTo("object"));
    }

    @Test
    @TestSecurity(user = "u1", roles = "user")
    void serversAreMergedOverLiveReplicasAndCountedInStatus() {
        given().get("/api/v1/mcp/servers").then().statusCode(200)
                .body("items.name", contains("broken", "everything"))
                .body("items[0].state", equalTo("error"))
                .body("items[0].attempts", equalTo(3))
                .body("items[1].state", equalTo("ready"))
                .body("items[1].tools", equalTo(13))
                .body("items[1].connections.state", contains("idle", "busy"));
        given().get("/api/v1/status").then().statusCode(200)
                .body("mcp.servers", equalTo(2))
                .body("mcp.byState.idle", equalTo(1)).body("mcp.byState.busy", equalTo(1))
                .body("mcp.byState.error", equalTo(1)).body("mcp.byState.closed", equalTo(0));
    }

    @Test
    @TestSecurity(user = "root", roles = "admin")
    void anAdminRestartReachesEveryPoolReplica() {
        List<String> heard = new CopyOnWriteArrayList<>();
        var subscriber = redis.pubsub(String.class).subscribe(Keys.POOL_CONTROL, heard::add);
        try {
            given().post("/api/v1/mcp/servers/everything/restart").then().statusCode(202);
            // Delivered on the subscriber's event loop, which a loaded machine may run late.
            await().atMost(Duration.ofSeconds(15)).until(() -> heard.contains(ToolCallStream.RESTART + "everything"));
        } finally {
            subscriber.unsubscribe();
        }
        given().post("/api/v1/mcp/servers/nope/restart").then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    @TestSecurity(user = "u1", roles = "user")
    void onlyAnAdminRestartsOrCallsDirectly() {
        given().post("/api/v1/mcp/servers/everything/restart").then().statusCode(403);
        given().contentType("application/json").body("{\"arguments\":{}}").post("/api/v1/tools/everything/echo/calls").then()
                .statusCode(403);
    }

    @Test
    @TestSecurity(user = "root", roles = "admin")
    void anAdminCallGoesThroughTheStreamAndGetsItsOneAnswer() throws Exception {
        ExecutorService fakePool = Executors.newSingleThreadExecutor();
        try {
            Future<ToolCallRequest> answered = fakePool.submit(this::answerOneCall);
            given().contentType("application/json").body("{\"arguments\":{\"message\":\"hi\"},\"sessionId\":\"s_1\"}")
                    .post("/api/v1/tools/everything/echo/calls").then().statusCode(200)
                    .body("ok", equalTo(true)).body("isError", equalTo(false))
                    .body("content[0].text", equalTo("Echo: hi")).body("ms", equalTo(7));
            ToolCallRequest request = answered.get();
            assertThat(request.userId()).isEqualTo("root");
            assertThat(request.sessionId()).isEqualTo("s_1");
            assertThat(request.deadline()).isAfter(Instant.now());
        } finally {
            fakePool.shutdownNow();
        }
        given().contentType("application/json").body("{\"arguments\":{}}").post("/api/v1/tools/everything/nope/calls").then()
                .statusCode(404).body("code", equalTo("tool_not_found"));
        given().contentType("application/json").body("{\"arguments\":[1]}").post("/api/v1/tools/everything/echo/calls").then()
                .statusCode(400).body("code", equalTo("validation_failed"));
    }

    /** What a pool replica does with one call: read it, answer on the caller's reply stream. */
    private ToolCallRequest answerOneCall() {
        String last = "0-0";
        while (true) {
            for (StreamMessage<String, String, String> entry : redis.stream(String.class).xread(Keys.TOOL_CALLS, last,
                    new XReadArgs().block(Duration.ofMillis(500)))) {
                last = entry.id();
                ToolCallRequest request = Json.decode(entry.payload().get(ToolCallStream.CALL), ToolCallRequest.class);
                if (!"echo".equals(request.tool())) {
                    continue;
                }
                ToolCallResult result = ToolCallResult.success(request.callId(),
                        Json.decode("[{\"type\":\"text\",\"text\":\"Echo: hi\"}]", JsonNode.class), false, null, 7);
                redis.stream(String.class).xadd(request.replyTo(), Map.of(ToolCallStream.RESULT, Json.encode(result)));
                return request;
            }
        }
    }

    @Test
    @TestSecurity(user = "u1", roles = "user")
    void usageIsTheCallersOwnAndOtherSessionsAreNotFound() {
        redis.hash(String.class).hset(Keys.session("s_u1a"), Map.of("userId", "u1", "turns", "2", "promptTokens", "100",
                "completionTokens", "40"));
        redis.hash(String.class).hset(Keys.session("s_u1b"), Map.of("userId", "u1", "turns", "1", "promptTokens", "10",
                "completionTokens", "5"));
        redis.hash(String.class).hset(Keys.session("s_u2"), Map.of("userId", "u2"));
        redis.sortedSet(String.class).zadd(Keys.userSessions("u1"), Map.of("s_u1a", 1.0, "s_u1b", 2.0));
        // The agent adds every finished turn to its user's totals too, which outlive expired sessions.
        redis.hash(String.class).hset(Keys.userUsage("u1"), Map.of("turns", "3", "promptTokens", "110", "completionTokens", "45"));
        redis.hash(String.class).hset(Keys.sessionToolUsage("s_u1a"), Map.of("everything/echo|calls", "3",
                "everything/echo|errors", "1", "everything/echo|ms", "12"));
        redis.hash(String.class).hset(Keys.userToolUsage("u1"), Map.of("everything/echo|calls", "4", "everything/echo|ms", "15"));

        given().queryParam("sessionId", "s_u1a").get("/api/v1/usage").then().statusCode(200)
                .body("turns", equalTo(2)).body("tokens.prompt", equalTo(100)).body("tokens.completion", equalTo(40))
                .body("tools.'everything/echo'.calls", equalTo(3)).body("tools.'everything/echo'.errors", equalTo(1))
                .body("tools.'everything/echo'.totalMs", equalTo(12));
        given().get("/api/v1/usage").then().statusCode(200)
                .body("turns", equalTo(3)).body("tokens.prompt", equalTo(110)).body("tokens.completion", equalTo(45))
                .body("tools.'everything/echo'.calls", equalTo(4)).body("tools", org.hamcrest.Matchers.aMapWithSize(1));
        given().queryParam("sessionId", "s_u2").get("/api/v1/usage").then().statusCode(404).body("code", equalTo("session_not_found"));
        given().queryParam("user", "u2").get("/api/v1/usage").then().statusCode(403).body("code", equalTo("forbidden"));
    }

    @Test
    @TestSecurity(user = "root", roles = "admin")
    void anAdminReadsAnyUsersUsage() {
        redis.hash(String.class).hset(Keys.userToolUsage("u9"), Map.of("memory/read_graph|calls", "2", "memory/read_graph|ms", "3"));
        given().queryParam("user", "u9").get("/api/v1/usage").then().statusCode(200)
                .body("turns", equalTo(0)).body("tools.'memory/read_graph'.calls", equalTo(2));
    }
}
