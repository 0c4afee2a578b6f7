package io.nagatha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.FakeOpenAi.Reply;
import io.nagatha.testing.FakeOpenAi.ToolCall;
import io.nagatha.testing.McpTestServers;
import io.nagatha.testing.SseClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Acceptance 1: turns that call {@code echo} and {@code get-sum} on the real server-everything,
 * through the pool-service, with a fake model that asks for them over the real OpenAI protocol;
 * in one round and over two rounds, the events in order and the answer built from the results.
 * Also /call without the model, a tool that outlives its deadline, and the usage the turns leave.
 */
class AgentToolsIT {

    static ModelCluster cluster;
    static FakeOpenAi llm;
    static Http admin;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ModelCluster();
        Path config = McpTestServers.writeConfig(Files.createTempDirectory("agent-tools-it").resolve("mcp-servers.json"),
                Map.of("everything", "{\"command\":\"node\",\"args\":[" + McpTestServers.quote(McpTestServers.script("everything"))
                        + ",\"stdio\"]}"));
        cluster.nagatha.replica("pool-service", Map.of("nagatha.pool.config-file", config.toString()));
        cluster.agent(Map.of("nagatha.agent.tools.timeout", "3s"));
        cluster.gateway();
        llm = cluster.llm;
        admin = cluster.admin();
        await("server-everything's tools in the catalogue").atMost(Duration.ofSeconds(60)).until(() ->
                admin.get("/api/v1/tools").body().path("items").findValuesAsText("name").containsAll(List.of("echo", "get-sum")));
    }

    @AfterEach
    void reset() {
        llm.reset();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The fake model's final answer: what the tools returned, as it read them. */
    static Reply summary(JsonNode request) {
        return Reply.text("The tools said: " + FakeOpenAi.toolResults(request).stream().map(m -> m.get("content").asText())
                .collect(Collectors.joining(" / ")));
    }

    static List<JsonNode> runTurn(String session, String content) {
        try (SseClient sse = SseClient.connect(cluster.sseUrl(session), null)) {
            String turn = admin.post("/api/v1/sessions/" + session + "/messages", Map.of("content", content)).body()
                    .get("turnId").asText();
            await(content).atMost(Duration.ofSeconds(60)).until(() -> TurnEvents.finished(sse, turn));
            return TurnEvents.of(sse, turn);
        }
    }

    static String newSession() {
        return cluster.newSession();
    }

    @Test
    void echoAndGetSumInOneRound() {
        llm.script(request -> FakeOpenAi.toolResults(request).isEmpty()
                ? Reply.toolCalls(new ToolCall("call_echo", "everything__echo", "{\"message\":\"hello pool\"}"),
                        new ToolCall("call_sum", "everything__get-sum", "{\"a\":2,\"b\":3}"))
                : summary(request));

        List<JsonNode> events = runTurn(newSession(), "echo and add in one go");

        List<String> types = TurnEvents.types(events);
        assertThat(types.subList(0, 4)).containsExactly("turn.accepted", "turn.started", "tool.call", "tool.call");
        assertThat(types.subList(4, 6)).containsOnly("tool.result");
        assertThat(types.subList(6, types.size() - 2)).isNotEmpty().containsOnly("message.delta");
        assertThat(types.subList(types.size() - 2, types.size())).containsExactly("message", "turn.completed");
        assertThat(events.subList(4, 6)).allSatisfy(e -> {
            assertThat(e.at("/data/ok").asBoolean()).isTrue();
            assertThat(e.at("/data/isError").asBoolean()).isFalse();
        });
        String answer = "The tools said: Echo: hello pool / The sum of 2 and 3 is 5.";
        assertThat(TurnEvents.deltas(events)).isEqualTo(answer);
        assertThat(events.get(events.size() - 2).at("/data/message/content").asText()).isEqualTo(answer);
        assertThat(events.get(events.size() - 2).at("/data/message/toolCalls").findValuesAsText("tool"))
                .containsExactly("echo", "get-sum");
        assertThat(TurnEvents.last(events).at("/data/usage/toolCalls").asInt()).isEqualTo(2);
    }

    @Test
    void echoThenGetSumOverTwoRounds() {
        llm.script(request -> switch (FakeOpenAi.toolResults(request).size()) {
            case 0 -> Reply.toolCalls(new ToolCall("call_1", "everything__echo", "{\"message\":\"round one\"}"));
            case 1 -> Reply.toolCalls(new ToolCall("call_2", "everything__get-sum", "{\"a\":40,\"b\":2}"));
            default -> summary(request);
        });
        String session = newSession();

        List<JsonNode> events = runTurn(session, "one tool, then another");

        List<String> steps = events.stream().filter(e -> e.get("type").asText().startsWith("tool."))
                .map(e -> e.get("type").asText() + " " + e.at("/data/tool").asText()).toList();
        assertThat(steps).containsExactly("tool.call echo", "tool.result echo", "tool.call get-sum", "tool.result get-sum");
        // The second call was asked for only after the first result had been fed back.
        int callSum = TurnEvents.types(events).lastIndexOf("tool.call");
        assertThat(TurnEvents.types(events).indexOf("tool.result")).isLessThan(callSum);
        assertThat(TurnEvents.deltas(events)).isEqualTo("The tools said: Echo: round one / The sum of 40 and 2 is 42.");
        JsonNode history = admin.get("/api/v1/sessions/" + session + "/messages").body().get("items");
        assertThat(history.findValuesAsText("role")).containsExactly("user", "tool", "tool", "assistant");
        // The pool records a call's usage after it has answered it: it may land after the turn ended.
        await("get-sum's usage").atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                admin.get("/api/v1/usage?sessionId=" + session).body().at("/tools/everything~1get-sum/calls").asInt()).isEqualTo(1));
    }

    @Test
    void callRunsAToolWithoutTheModel() {
        int before = llm.requests().size();

        List<JsonNode> events = runTurn(newSession(), "/call everything get-sum {\"a\": 1, \"b\": 41}");

        assertThat(TurnEvents.types(events)).contains("tool.call", "tool.result");
        assertThat(events.get(events.size() - 2).at("/data/message/content").asText())
                .startsWith("everything/get-sum answered").endsWith("The sum of 1 and 41 is 42.");
        assertThat(llm.requests().size()).isEqualTo(before);
    }

    @Test
    void aToolThatOutlivesItsDeadlineIsAnErrorTheModelReads() {
        llm.script(request -> FakeOpenAi.toolResults(request).isEmpty()
                ? Reply.toolCalls(new ToolCall("call_slow", "everything__trigger-long-running-operation",
                        "{\"duration\":10,\"steps\":2}"))
                : summary(request));

        List<JsonNode> events = runTurn(newSession(), "take your time");

        JsonNode result = events.stream().filter(e -> e.get("type").asText().equals("tool.result")).findFirst().orElseThrow();
        assertThat(result.at("/data/ok").asBoolean()).isFalse();
        assertThat(result.at("/data/error/code").asText()).isEqualTo("upstream_timeout");
        assertThat(TurnEvents.last(events).get("type").asText()).isEqualTo("turn.completed");
        assertThat(TurnEvents.deltas(events)).startsWith("The tools said: Error (upstream_timeout)");
    }

    @Test
    void theUsersUsageCountsTurnsTokensAndTools() {
        llm.script(request -> FakeOpenAi.toolResults(request).isEmpty()
                ? Reply.toolCalls(new ToolCall("call_e", "everything__echo", "{\"message\":\"count me\"}"))
                : summary(request));
        JsonNode before = admin.get("/api/v1/usage").body();

        runTurn(newSession(), "use a tool");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode after = admin.get("/api/v1/usage").body();
            assertThat(after.get("turns").asLong()).isEqualTo(before.get("turns").asLong() + 1);
            assertThat(after.at("/tokens/prompt").asLong()).isGreaterThan(before.at("/tokens/prompt").asLong());
            assertThat(after.at("/tokens/completion").asLong()).isGreaterThan(before.at("/tokens/completion").asLong());
            assertThat(after.at("/tools/everything~1echo/calls").asLong())
                    .isEqualTo(before.at("/tools/everything~1echo/calls").asLong() + 1);
        });
    }
}
