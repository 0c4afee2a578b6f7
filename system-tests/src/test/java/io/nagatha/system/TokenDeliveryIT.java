package io.nagatha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.FakeOpenAi.Reply;
import io.nagatha.testing.SseClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Acceptance 7: 100 turns at once, each in its own session, through the real gateway and two agent
 * replicas; the fake model streams 200 tokens per answer. Every token reaches the session's SSE
 * client, in order: the concatenated deltas equal the text the fake streamed, and so does the
 * final message.
 */
class TokenDeliveryIT {

    static final int TURNS = 100;
    static final int TOKENS = 200;

    static ModelCluster cluster;
    static Http admin;

    @BeforeAll
    static void start() {
        cluster = new ModelCluster();
        cluster.llm.script(request -> Reply.chunks(tokens(FakeOpenAi.lastUserMessage(request))).chunkDelay(Duration.ofMillis(2)));
        for (String id : List.of("agent-a", "agent-b")) {
            cluster.agent(Map.of("nagatha.service.replica-id", id, "nagatha.agent.concurrency", "16"));
        }
        admin = cluster.gateway().admin();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** What the fake streams for a message: 200 numbered tokens naming the message, so no two answers are alike. */
    static List<String> tokens(String message) {
        List<String> tokens = new ArrayList<>();
        for (int i = 1; i <= TOKENS; i++) {
            tokens.add("<" + message + "#" + i + "> ");
        }
        return tokens;
    }

    @Test
    void everyStreamedTokenReachesItsClientInOrderForAHundredConcurrentTurns() throws Exception {
        List<String> sessions = new ArrayList<>();
        List<SseClient> clients = new ArrayList<>();
        ExecutorService posters = Executors.newFixedThreadPool(16);
        try {
            for (int i = 0; i < TURNS; i++) {
                String session = cluster.newSession();
                sessions.add(session);
                clients.add(SseClient.connect(cluster.sseUrl(session), null));
            }
            // Posts while the first turns stream may meet a 503 on a loaded machine: retried after
            // Retry-After as the API asks, which the idempotency key makes safe (never a second turn).
            Http poster = admin.retryingUnavailable(3);
            List<Future<String>> posted = new ArrayList<>();
            for (int i = 0; i < TURNS; i++) {
                String session = sessions.get(i);
                String content = "m" + i;
                posted.add(posters.submit(() -> poster.post("/api/v1/sessions/" + session + "/messages",
                        Map.of("content", content, "idempotencyKey", "token-delivery-" + content)).body().get("turnId").asText()));
            }
            List<String> turns = new ArrayList<>();
            for (Future<String> turn : posted) {
                turns.add(turn.get());
            }

            await("all turns finished").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        for (int i = 0; i < TURNS; i++) {
                            if (!TurnEvents.finished(clients.get(i), turns.get(i))) {
                                return false;
                            }
                        }
                        return true;
                    });

            long deltas = 0;
            for (int i = 0; i < TURNS; i++) {
                List<JsonNode> events = TurnEvents.of(clients.get(i), turns.get(i));
                String expected = String.join("", tokens("m" + i));
                assertThat(TurnEvents.types(events)).as("turn %d", i).endsWith("message", "turn.completed");
                assertThat(TurnEvents.deltas(events)).as("turn %d: every token, in order", i).isEqualTo(expected);
                assertThat(events.get(events.size() - 2).at("/data/message/content").asText()).isEqualTo(expected);
                List<String> ids = events.stream().map(e -> e.get("id").asText()).toList();
                assertThat(ids).as("event ids grow").isSortedAccordingTo(TokenDeliveryIT::compareIds);
                deltas += TurnEvents.count(events, "message.delta");
            }
            System.out.printf("%d turns x %d tokens arrived in order as %d deltas (tokens written while a write was in flight are joined)%n",
                    TURNS, TOKENS, deltas);
        } finally {
            posters.shutdownNow();
            clients.forEach(SseClient::close);
        }
    }

    static int compareIds(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return c != 0 ? c : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
    }
}
