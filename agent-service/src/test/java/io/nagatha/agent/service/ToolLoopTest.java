package io.nagatha.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.agent.FakePool;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventTypes;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.ToolInfo;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.FakeOpenAi.Reply;
import io.nagatha.testing.FakeOpenAi.ToolCall;
import io.nagatha.testing.FakeOpenAiTestResource;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tool loop against a model that asks for tools over the real wire protocol, and a pool that
 * answers on the tool-calls stream (the system test AgentToolsIT does the same with the real pool
 * and server-everything).
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(FakeOpenAiTestResource.class)
class ToolLoopTest {

    static final JsonNode ECHO_SCHEMA = Json.decode("""
            {"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
             "properties":{"message":{"type":"string","description":"Message to echo","minLength":1}},
             "required":["message"],"additionalProperties":false}""", JsonNode.class);
    static final JsonNode SUM_SCHEMA = Json.decode("""
            {"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},"required":["a","b"]}""",
            JsonNode.class);

    @Inject
    RedisDataSource redis;

    @Inject
    @RedisClientName("streams")
    RedisDataSource streams;

    TurnFixtures fixtures;
    FakePool pool;
    FakeOpenAi fake;

    @BeforeEach
    void setUp() {
        fixtures = new TurnFixtures(redis);
        fake = FakeOpenAiTestResource.fake();
        pool = new FakePool(redis, streams).tools(
                new ToolInfo("everything", "echo", "Echoes back the input string", ECHO_SCHEMA),
                new ToolInfo("everything", "get-sum", "Returns the sum of two numbers", SUM_SCHEMA));
        pool.answer(call -> call.tool().equals("echo")
                ? FakePool.text(call, "Echo: " + call.arguments().get("message").asText())
                : FakePool.text(call, "The sum of 2 and 3 is " + (call.arguments().get("a").asInt() + call.arguments().get("b").asInt()) + "."));
    }

    @AfterEach
    void tearDown() {
        pool.close();
        fake.reset();
    }

    @Test
    void twoToolsInOneRoundRunInParallelAndTheAnswerUsesTheirResults() {
        int before = fake.requests().size();
        fake.script(request -> FakeOpenAi.toolResults(request).isEmpty()
                ? Reply.toolCalls(new ToolCall("call_e", "everything__echo", "{\"message\":\"hi there\"}"),
                        new ToolCall("call_s", "everything__get-sum", "{\"a\":2,\"b\":3}"))
                : Reply.text("Tools said: " + FakeOpenAi.toolResults(request).stream().map(m -> m.get("content").asText())
                        .collect(Collectors.joining(" | "))));
        TurnRequest turn = fixtures.post(fixtures.session(), "echo and add, please");

        List<Event> events = fixtures.awaitFinished(turn);

        List<String> types = TurnFixtures.types(events);
        assertThat(types.subList(0, 4)).containsExactly(EventTypes.TURN_ACCEPTED, EventTypes.TURN_STARTED,
                EventTypes.TOOL_CALL, EventTypes.TOOL_CALL);
        assertThat(types.subList(4, 6)).containsOnly(EventTypes.TOOL_RESULT);
        assertThat(types.subList(6, types.size() - 2)).isNotEmpty().containsOnly(EventTypes.MESSAGE_DELTA);
        assertThat(types.subList(types.size() - 2, types.size())).containsExactly(EventTypes.MESSAGE, EventTypes.TURN_COMPLETED);
        assertThat(events.get(2).data().get("server").asText()).isEqualTo("everything");
        assertThat(events.get(2).data().get("tool").asText()).isEqualTo("echo");
        assertThat(events.get(2).data().at("/arguments/message").asText()).isEqualTo("hi there");
        assertThat(events.subList(4, 6)).allSatisfy(e -> assertThat(e.data().get("ok").asBoolean()).isTrue());
        assertThat(events.subList(4, 6)).extracting(e -> e.data().get("callId").asText())
                .containsExactlyInAnyOrder(events.get(2).data().get("callId").asText(), events.get(3).data().get("callId").asText());
        String answer = "Tools said: Echo: hi there | The sum of 2 and 3 is 5.";
        assertThat(TurnFixtures.deltas(events)).isEqualTo(answer);
        Event message = events.get(events.size() - 2);
        assertThat(message.data().at("/message/content").asText()).isEqualTo(answer);
        assertThat(message.data().at("/message/toolCalls")).hasSize(2);
        assertThat(events.get(events.size() - 1).data().at("/usage/toolCalls").asInt()).isEqualTo(2);
        // Both calls reached the pool with the session, the user and a deadline.
        assertThat(pool.calls()).extracting(c -> c.server() + "/" + c.tool()).containsExactlyInAnyOrder("everything/echo",
                "everything/get-sum");
        assertThat(pool.calls()).allSatisfy(c -> {
            assertThat(c.sessionId()).isEqualTo(turn.sessionId());
            assertThat(c.userId()).isEqualTo("u_test");
            assertThat(c.deadline()).isNotNull();
        });

        // What the model saw: the tools with their schemas, then in round 2 its calls and their results.
        JsonNode first = fake.requests().get(before);
        List<String> offered = new ArrayList<>();
        first.get("tools").forEach(t -> offered.add(t.at("/function/name").asText()));
        assertThat(offered).containsExactly("everything__echo", "everything__get-sum");
        assertThat(first.get("tools").get(0).at("/function/parameters/properties/message/minLength").asInt()).isEqualTo(1);
        assertThat(first.get("tools").get(0).at("/function/description").asText()).contains("Echoes back");
        JsonNode second = fake.requests().get(before + 1);
        List<String> roles = new ArrayList<>();
        second.get("messages").forEach(m -> roles.add(m.get("role").asText()));
        assertThat(roles).containsExactly("system", "user", "assistant", "tool", "tool");
        assertThat(second.at("/messages/2/tool_calls")).hasSize(2);
        assertThat(second.at("/messages/3/tool_call_id").asText()).isEqualTo("call_e");

        // History: the user's message, each tool's result, the reply listing its calls.
        List<Message> history = fixtures.history(turn.sessionId());
        assertThat(history).extracting(Message::role).containsExactly("user", "tool", "tool", "assistant");
        assertThat(history.get(1).callId()).isNotBlank();
        assertThat(history.get(3).toolCalls()).extracting(c -> c.tool()).containsExactly("echo", "get-sum");
    }

    @Test
    void toolsOverTwoRoundsFeedEachResultBackBeforeTheNext() {
        fake.script(request -> switch (FakeOpenAi.toolResults(request).size()) {
            case 0 -> Reply.toolCalls(new ToolCall("call_1", "everything__echo", "{\"message\":\"step one\"}"));
            case 1 -> Reply.toolCalls(new ToolCall("call_2", "everything__get-sum", "{\"a\":20,\"b\":22}"))
                    .withText("Echo done; now the sum.");
            default -> Reply.text("First " + FakeOpenAi.toolResults(request).get(0).get("content").asText() + ", then "
                    + FakeOpenAi.toolResults(request).get(1).get("content").asText());
        });
        TurnRequest turn = fixtures.post(fixtures.session(), "two steps");

        List<Event> events = fixtures.awaitFinished(turn);

        List<String> tools = events.stream().filter(e -> e.type().startsWith("tool.")).map(e -> e.type() + " " + e.data().get("tool").asText())
                .toList();
        assertThat(tools).containsExactly("tool.call echo", "tool.result echo", "tool.call get-sum", "tool.result get-sum");
        // The round-2 text comes before its tool call; the final text follows after a paragraph break.
        String answer = "Echo done; now the sum.\n\nFirst Echo: step one, then The sum of 2 and 3 is 42.";
        assertThat(TurnFixtures.deltas(events)).isEqualTo(answer);
        assertThat(events.get(events.size() - 2).data().at("/message/content").asText()).isEqualTo(answer);
        assertThat(events.get(events.size() - 1).data().at("/usage/toolCalls").asInt()).isEqualTo(2);
        assertThat(fixtures.history(turn.sessionId())).extracting(Message::role)
                .containsExactly("user", "tool", "tool", "assistant");
    }

    @Test
    void aFailingOrUnknownToolIsAnErrorResultForTheModelNotACrash() {
        pool.answer(call -> io.nagatha.contracts.ToolCallResult.failure(call.callId(), "upstream_error", "server crashed", 5));
        fake.script(request -> FakeOpenAi.toolResults(request).isEmpty()
                ? Reply.toolCalls(new ToolCall("call_a", "everything__echo", "{\"message\":\"x\"}"),
                        new ToolCall("call_b", "nowhere__nothing", "{}"),
                        new ToolCall("call_c", "everything__get-sum", "not json"))
                : Reply.text(FakeOpenAi.toolResults(request).stream().map(m -> m.get("content").asText())
                        .collect(Collectors.joining("\n"))));
        TurnRequest turn = fixtures.post(fixtures.session(), "break things");

        List<Event> events = fixtures.awaitFinished(turn);

        assertThat(events.get(events.size() - 1).type()).isEqualTo(EventTypes.TURN_COMPLETED);
        assertThat(events.stream().filter(e -> e.type().equals(EventTypes.TOOL_RESULT)).map(e -> e.data().at("/error/code").asText()))
                .containsExactlyInAnyOrder("upstream_error", "tool_not_found", "validation_failed");
        assertThat(TurnFixtures.deltas(events)).contains("Error (upstream_error): server crashed",
                "Error (tool_not_found): no tool named 'nowhere__nothing'", "Error (validation_failed)");
        assertThat(pool.calls()).as("only the valid call reached the pool").hasSize(1);
    }

    @Test
    void afterTheLastRoundTheModelMustAnswerWithoutTools() {
        int before = fake.requests().size();
        fake.script(request -> "none".equals(request.path("tool_choice").asText())
                ? Reply.text("Enough tools; here is what I have.")
                : Reply.toolCalls(new ToolCall("call_" + FakeOpenAi.toolResults(request).size(), "everything__echo",
                        "{\"message\":\"again\"}")));
        TurnRequest turn = fixtures.post(fixtures.session(), "loop forever");

        List<Event> events = fixtures.awaitFinished(turn);

        assertThat(TurnFixtures.deltas(events)).isEqualTo("Enough tools; here is what I have.");
        assertThat(events.stream().filter(e -> e.type().equals(EventTypes.TOOL_CALL))).hasSize(5);
        assertThat(fake.requests().size() - before).isEqualTo(6);
        assertThat(fake.requests().get(before + 5).path("tool_choice").asText()).isEqualTo("none");
    }

    @Test
    void aUserSeesOnlyTheToolsTheyAreAllowed() {
        int before = fake.requests().size();
        fake.script(request -> Reply.text("ok"));
        // %test.nagatha.agent.tools.users."u_limited"=everything/echo
        fixtures.awaitFinished(fixtures.post(fixtures.session(), "u_limited", "what can I use?"));

        List<String> offered = new ArrayList<>();
        fake.requests().get(before).get("tools").forEach(t -> offered.add(t.at("/function/name").asText()));
        assertThat(offered).containsExactly("everything__echo");
    }
}
