package io.nagatha.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.openai.OpenAiTokenCountEstimator;
import io.nagatha.agent.ShortLimitsProfile;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.StreamFields;
import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.FakeOpenAiTestResource;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** History is trimmed to the token budget (400 here), oldest turns first; the system prompt and the new message stay. */
@QuarkusTest
@TestProfile(ShortLimitsProfile.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(FakeOpenAiTestResource.class)
class ContextBudgetTest {

    @Inject
    RedisDataSource redis;

    @Test
    void theOldestTurnsAreLeftOutUntilThePromptFitsTheBudget() {
        TurnFixtures fixtures = new TurnFixtures(redis);
        FakeOpenAi fake = FakeOpenAiTestResource.fake();
        fake.reset();
        String session = fixtures.session();
        List<List<ChatMessage>> turns = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            String turn = Ids.turn();
            String asked = "question " + i + ": tell me something about the number " + i + " and why it matters to people";
            String answered = "answer " + i + ": the number " + i + " is interesting for many reasons that take a while to say";
            append(session, new Message(Ids.message(), Message.USER, asked, "cli", turn, Instant.now()));
            append(session, new Message(Ids.message(), Message.ASSISTANT, answered, "cli", turn, Instant.now()));
            turns.add(List.of(UserMessage.from(asked), AiMessage.from(answered)));
        }
        int before = fake.requests().size();

        fixtures.awaitFinished(fixtures.post(session, "and now?"));

        JsonNode messages = fake.requests().get(before).get("messages");
        List<String> sent = ContextTest.contents(messages);
        assertThat(sent.get(0)).startsWith("system: You are Nagatha");
        assertThat(sent.get(sent.size() - 1)).isEqualTo("user: and now?");
        int kept = (sent.size() - 2) / 2;
        assertThat(kept).as("some history is kept, not all of it").isBetween(1, 11);
        // What is kept is the newest turns, whole and in order.
        List<String> expected = new ArrayList<>();
        for (List<ChatMessage> turn : turns.subList(12 - kept, 12)) {
            expected.add("user: " + ((UserMessage) turn.get(0)).singleText());
            expected.add("assistant: " + ((AiMessage) turn.get(1)).text());
        }
        assertThat(sent.subList(1, sent.size() - 1)).isEqualTo(expected);
        // As many as fit: with the next older turn the prompt would exceed the budget.
        OpenAiTokenCountEstimator tokens = new OpenAiTokenCountEstimator("gpt-4o");
        List<ChatMessage> prompt = new ArrayList<>();
        prompt.add(SystemMessage.from(messages.get(0).get("content").asText()));
        turns.subList(12 - kept, 12).forEach(prompt::addAll);
        prompt.add(UserMessage.from("and now?"));
        assertThat(tokens.estimateTokenCountInMessages(prompt)).isLessThanOrEqualTo(400);
        List<ChatMessage> oneMore = new ArrayList<>(prompt);
        oneMore.addAll(1, turns.get(12 - kept - 1));
        assertThat(tokens.estimateTokenCountInMessages(oneMore)).isGreaterThan(400);
    }

    private void append(String session, Message message) {
        redis.stream(String.class).xadd(Keys.history(session), Map.of(StreamFields.MESSAGE, Json.encode(message)));
    }
}
