package io.nagatha.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventTypes;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.FakeOpenAiTestResource;
import io.nagatha.testing.RedisTestResource;
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

/** Turns against an OpenAI-compatible server that streams over the real wire protocol. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(FakeOpenAiTestResource.class)
class ModelTurnTest {

    @Inject
    RedisDataSource redis;

    TurnFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new TurnFixtures(redis);
    }

    @AfterEach
    void resetReplies() {
        FakeOpenAiTestResource.fake().replies(FakeOpenAi::echoReply);
    }

    @Test
    void theReplyStreamsAsDeltasAndTheModelSeesTheHistoryInOrder() {
        FakeOpenAi fake = FakeOpenAiTestResource.fake();
        String session = fixtures.session();
        fixtures.awaitFinished(fixtures.post(session, "my name is Ada"));
        int before = fake.requests().size();

        TurnRequest second = fixtures.post(session, "what is my name?");
        List<Event> events = fixtures.awaitFinished(second);

        String expected = "Hello from the fake model. You said: what is my name?";
        assertThat(TurnFixtures.types(events)).startsWith(EventTypes.TURN_ACCEPTED, EventTypes.TURN_STARTED)
                .endsWith(EventTypes.MESSAGE, EventTypes.TURN_COMPLETED);
        String streamed = events.stream().filter(e -> e.type().equals(EventTypes.MESSAGE_DELTA))
                .map(e -> e.data().get("text").asText()).collect(Collectors.joining());
        assertThat(streamed).isEqualTo(expected);
        Event message = events.get(events.size() - 2);
        assertThat(message.data().at("/message/content").asText()).isEqualTo(expected);
        assertThat(message.data().at("/message/turnId").asText()).isEqualTo(second.turnId());
        JsonNode usage = events.get(events.size() - 1).data().get("usage");
        assertThat(usage.get("completionTokens").asInt()).isEqualTo(FakeOpenAi.chunks(expected).size());
        assertThat(usage.get("promptTokens").asInt()).isPositive();

        JsonNode request = fake.requests().get(before);
        assertThat(request.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(request.get("stream").asBoolean()).isTrue();
        List<String> roles = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        request.get("messages").forEach(m -> {
            roles.add(m.get("role").asText());
            contents.add(m.get("content").asText());
        });
        assertThat(roles).containsExactly("system", "user", "assistant", "user");
        assertThat(contents.get(0)).startsWith("You are Nagatha");
        assertThat(contents.subList(1, 4)).containsExactly(
                "my name is Ada", "Hello from the fake model. You said: my name is Ada", "what is my name?");
        assertThat(fixtures.history(session)).hasSize(4);
    }

    @Test
    void aRateLimitedModelFailsTheTurnWithAStableCode() {
        int before = FakeOpenAiTestResource.fake().requests().size();
        FakeOpenAiTestResource.fake().replies(request -> {
            throw new FakeOpenAi.Refusal(429, "rate_limit_error", "Rate limit reached for requests");
        });
        String session = fixtures.session();
        TurnRequest turn = fixtures.post(session, "hello");

        List<Event> events = fixtures.awaitFinished(turn);

        assertThat(TurnFixtures.types(events)).containsExactly(EventTypes.TURN_ACCEPTED, EventTypes.TURN_STARTED,
                EventTypes.TURN_FAILED);
        assertThat(events.get(2).data().get("code").asText()).isEqualTo("rate_limited");
        // Retried with backoff (nagatha.llm.retry.max-retries=3) before giving up: 4 attempts in all.
        assertThat(FakeOpenAiTestResource.fake().requests().size() - before).isEqualTo(4);
        // The user's message is kept; no assistant reply is invented.
        assertThat(fixtures.history(session)).extracting(m -> m.role()).containsExactly("user");
    }

    @Test
    void aRejectedKeyFailsTheTurnAndSaysWhichSettingToCheck() {
        FakeOpenAiTestResource.fake().replies(request -> {
            throw new FakeOpenAi.Refusal(401, "invalid_request_error", "Incorrect API key provided");
        });
        TurnRequest turn = fixtures.post(fixtures.session(), "hello");

        Event failed = fixtures.awaitFinished(turn).get(2);

        assertThat(failed.data().get("code").asText()).isEqualTo("upstream_error");
        assertThat(failed.data().get("message").asText()).contains("nagatha.llm.api-key");
    }
}
