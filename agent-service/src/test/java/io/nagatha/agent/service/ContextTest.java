package io.nagatha.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.MessageToolCall;
import io.nagatha.contracts.StreamFields;
import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.FakeOpenAiTestResource;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the model reads: asserted on the request the fake model receives. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(FakeOpenAiTestResource.class)
class ContextTest {

    @Inject
    RedisDataSource redis;

    TurnFixtures fixtures;
    FakeOpenAi fake;

    @BeforeEach
    void setUp() {
        fixtures = new TurnFixtures(redis);
        fake = FakeOpenAiTestResource.fake();
        fake.reset();
    }

    @Test
    void theUsersMemoryIsInTheSystemPromptAndHistoryComesInOrder() {
        String user = Ids.user();
        remember(user, "user_preferences", "language", "\"Portuguese\"");
        remember(user, "facts", "city", "\"Lisbon\"");
        remember(user, "facts", "pets", "{\"cats\":2}");
        remember(user, "session_state", "draft", "\"not for the prompt\"");
        String session = fixtures.session();
        fixtures.awaitFinished(fixtures.post(session, user, "first"));
        fixtures.awaitFinished(fixtures.post(session, user, "second"));
        int before = fake.requests().size();

        fixtures.awaitFinished(fixtures.post(session, user, "third"));

        JsonNode messages = fake.requests().get(before).get("messages");
        String system = messages.get(0).get("content").asText();
        assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
        assertThat(system).startsWith("You are Nagatha")
                .contains("saved memory", "Preferences:\n- language: Portuguese", "Facts:\n- city: Lisbon", "- pets: {\"cats\":2}")
                .doesNotContain("not for the prompt");
        assertThat(contents(messages).subList(1, messages.size())).containsExactly(
                "user: first", "assistant: Hello from the fake model. You said: first",
                "user: second", "assistant: Hello from the fake model. You said: second",
                "user: third");
    }

    @Test
    void anEarlierTurnsToolCallsAndResultsAreShownToTheModelAgain() {
        String session = fixtures.session();
        String turn = Ids.turn();
        MessageToolCall call = new MessageToolCall("c_1", "everything", "echo", Json.decode("{\"message\":\"hi\"}", JsonNode.class));
        appendHistory(session, new Message(Ids.message(), Message.USER, "echo hi", "cli", turn, Instant.now()));
        appendHistory(session, new Message(Ids.message(), Message.TOOL, "Echo: hi", "cli", turn, Instant.now(), null, "c_1"));
        appendHistory(session, new Message(Ids.message(), Message.ASSISTANT, "It said: Echo: hi", "cli", turn, Instant.now(),
                List.of(call), null));
        int before = fake.requests().size();

        fixtures.awaitFinished(fixtures.post(session, "and again?"));

        JsonNode messages = fake.requests().get(before).get("messages");
        assertThat(contents(messages)).containsExactly(contents(messages).get(0), "user: echo hi", "assistant: ",
                "tool: Echo: hi", "assistant: It said: Echo: hi", "user: and again?");
        assertThat(messages.get(2).at("/tool_calls/0/function/name").asText()).isEqualTo("everything__echo");
        assertThat(messages.get(2).at("/tool_calls/0/id").asText()).isEqualTo("c_1");
        assertThat(messages.get(3).get("tool_call_id").asText()).isEqualTo("c_1");
    }

    private void remember(String user, String section, String key, String valueJson) {
        redis.set(String.class).sadd(Keys.memorySection(user, section), key);
        redis.value(String.class).set(Keys.memoryEntry(user, section, key), "{\"key\":\"" + key + "\",\"value\":" + valueJson
                + ",\"updatedAt\":\"2026-11-24T10:00:00Z\",\"expiresAt\":null}");
    }

    private void appendHistory(String session, Message message) {
        redis.stream(String.class).xadd(Keys.history(session), Map.of(StreamFields.MESSAGE, Json.encode(message)));
    }

    static List<String> contents(JsonNode messages) {
        List<String> out = new ArrayList<>();
        messages.forEach(m -> out.add(m.get("role").asText() + ": " + m.path("content").asText("")));
        return out;
    }
}
