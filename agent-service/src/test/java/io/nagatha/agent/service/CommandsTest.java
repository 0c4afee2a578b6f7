package io.nagatha.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.nagatha.agent.FakePool;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventTypes;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.ToolInfo;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /help, /tools and /call work with no model configured at all. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class CommandsTest {

    @Inject
    RedisDataSource redis;

    @Inject
    @RedisClientName("streams")
    RedisDataSource streams;

    TurnFixtures fixtures;
    FakePool pool;

    @BeforeEach
    void setUp() {
        fixtures = new TurnFixtures(redis);
        pool = new FakePool(redis, streams).tools(new ToolInfo("everything", "echo", "Echoes back the input string", null),
                new ToolInfo("everything", "get-sum", "Returns the sum of two numbers", null));
        pool.answer(call -> FakePool.text(call, "Echo: " + call.arguments().path("message").asText()));
    }

    @AfterEach
    void tearDown() {
        pool.close();
    }

    String reply(List<Event> events) {
        return events.stream().filter(e -> e.type().equals(EventTypes.MESSAGE)).findFirst().orElseThrow()
                .data().at("/message/content").asText();
    }

    @Test
    void helpListsTheCommandsAndSaysThereIsNoModel() {
        List<Event> events = fixtures.awaitFinished(fixtures.post(fixtures.session(), "/help"));

        assertThat(reply(events)).contains("/help", "/tools", "/call <server> <tool> <json-arguments>",
                "No language model is configured");
        assertThat(TurnFixtures.deltas(events)).isEqualTo(reply(events));
    }

    @Test
    void toolsListsWhatTheUserMayUse() {
        assertThat(reply(fixtures.awaitFinished(fixtures.post(fixtures.session(), "/tools"))))
                .contains("Tools you can use (2)", "- everything/echo — Echoes back the input string", "- everything/get-sum");
        // %test.nagatha.agent.tools.users."u_limited"=everything/echo
        assertThat(reply(fixtures.awaitFinished(fixtures.post(fixtures.session(), "u_limited", "/tools"))))
                .contains("Tools you can use (1)", "everything/echo").doesNotContain("get-sum");
    }

    @Test
    void callRunsOneToolThroughThePoolAndShowsTheCallAndItsResult() {
        TurnRequest turn = fixtures.post(fixtures.session(), "/call everything echo {\"message\": \"hi pool\"}");

        List<Event> events = fixtures.awaitFinished(turn);

        assertThat(TurnFixtures.types(events)).containsExactly(EventTypes.TURN_ACCEPTED, EventTypes.TURN_STARTED,
                EventTypes.TOOL_CALL, EventTypes.TOOL_RESULT, EventTypes.MESSAGE_DELTA, EventTypes.MESSAGE,
                EventTypes.TURN_COMPLETED);
        assertThat(events.get(2).data().at("/arguments/message").asText()).isEqualTo("hi pool");
        assertThat(events.get(3).data().at("/content/0/text").asText()).isEqualTo("Echo: hi pool");
        assertThat(reply(events)).startsWith("everything/echo answered").endsWith("Echo: hi pool");
        assertThat(events.get(6).data().at("/usage/toolCalls").asInt()).isEqualTo(1);
        assertThat(pool.calls()).hasSize(1);
        assertThat(fixtures.history(turn.sessionId())).extracting(Message::role).containsExactly("user", "tool", "assistant");
    }

    @Test
    void aBadCallIsExplainedNotRun() {
        assertThat(reply(fixtures.awaitFinished(fixtures.post(fixtures.session(), "/call everything"))))
                .startsWith("Usage: /call <server> <tool> <json-arguments>");
        assertThat(reply(fixtures.awaitFinished(fixtures.post(fixtures.session(), "/call everything echo [1,2]"))))
                .contains("failed", "validation_failed", "must be a JSON object");
        assertThat(reply(fixtures.awaitFinished(fixtures.post(fixtures.session(), "u_limited", "/call everything get-sum {}"))))
                .contains("tool_not_found", "is available to you");
        assertThat(pool.calls()).isEmpty();
    }

    @Test
    void aMessageThatOnlyLooksLikeACommandGoesToTheModel() {
        List<Event> events = fixtures.awaitFinished(fixtures.post(fixtures.session(), "/etc/hosts is what file?"));

        assertThat(reply(events)).startsWith("I can't answer yet: no language model is configured");
    }
}
