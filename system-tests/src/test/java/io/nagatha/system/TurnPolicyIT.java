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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Acceptance 3: the per-session turn policy with two agent replicas and concurrent posts to one
 * session through the gateway: queue runs them one at a time in order, reject answers 409
 * turn_in_progress, interrupt stops the running turn (the fake model sees its request closed) and
 * runs the new one. Also the cancel route.
 */
class TurnPolicyIT {

    static ModelCluster cluster;
    static FakeOpenAi llm;
    static Http admin;
    static final ExecutorService CLIENTS = Executors.newFixedThreadPool(8);

    @BeforeAll
    static void start() {
        cluster = new ModelCluster();
        cluster.agent(Map.of("nagatha.service.replica-id", "agent-a"));
        cluster.agent(Map.of("nagatha.service.replica-id", "agent-b"));
        cluster.gateway();
        llm = cluster.llm;
        admin = cluster.admin();
    }

    @AfterEach
    void reset() {
        llm.reset();
    }

    @AfterAll
    static void stop() {
        CLIENTS.shutdownNow();
        if (cluster != null) {
            cluster.close();
        }
    }

    static String session(String policy) {
        String id = cluster.newSession();
        Http.Reply patched = admin.send("PATCH", "/api/v1/sessions/" + id, Map.of("turnPolicy", policy));
        assertThat(patched.body().get("turnPolicy").asText()).isEqualTo(policy);
        return id;
    }

    static List<Http.Reply> postAtOnce(String session, List<String> contents) throws Exception {
        CompletableFuture<Void> go = new CompletableFuture<>();
        List<Future<Http.Reply>> posts = new ArrayList<>();
        for (String content : contents) {
            posts.add(CLIENTS.submit(() -> {
                go.join();
                return admin.post("/api/v1/sessions/" + session + "/messages", Map.of("content", content));
            }));
        }
        go.complete(null);
        List<Http.Reply> replies = new ArrayList<>();
        for (Future<Http.Reply> post : posts) {
            replies.add(post.get());
        }
        return replies;
    }

    @Test
    void queueRunsConcurrentPostsOneAtATimeInTheOrderTheyWereAccepted() throws Exception {
        llm.script(request -> Reply.text(FakeOpenAi.echoReply(request)).chunkDelay(Duration.ofMillis(20)));
        String session = session("queue");
        List<String> contents = List.of("one", "two", "three", "four", "five", "six");
        try (SseClient sse = SseClient.connect(cluster.sseUrl(session), null)) {
            llm.resetInFlight();
            List<Http.Reply> posted = postAtOnce(session, contents);

            assertThat(posted).allSatisfy(r -> assertThat(r.status()).isEqualTo(202));
            List<String> turnIds = posted.stream().map(r -> r.body().get("turnId").asText()).toList();
            await("all six answered").atMost(Duration.ofSeconds(60))
                    .until(() -> turnIds.stream().allMatch(t -> TurnEvents.finished(sse, t)));

            List<JsonNode> events = sse.events().stream().map(SseClient.Received::data).toList();
            List<String> accepted = events.stream().filter(e -> e.get("type").asText().equals("turn.accepted"))
                    .map(e -> e.get("turnId").asText()).toList();
            List<String> started = events.stream().filter(e -> e.get("type").asText().equals("turn.started"))
                    .map(e -> e.get("turnId").asText()).toList();
            assertThat(started).as("run in the order accepted").isEqualTo(accepted).hasSize(6);
            String running = null;
            for (JsonNode e : events) {
                String type = e.get("type").asText();
                if (type.equals("turn.started")) {
                    assertThat(running).as("a turn started while another ran").isNull();
                    running = e.get("turnId").asText();
                } else if (type.equals("turn.completed") || type.equals("turn.failed")) {
                    assertThat(type).isEqualTo("turn.completed");
                    running = null;
                }
            }
            assertThat(llm.maxInFlight()).as("the model never saw two of this session's turns at once").isEqualTo(1);
        }
        JsonNode history = admin.get("/api/v1/sessions/" + session + "/messages").body().get("items");
        assertThat(history).hasSize(12);
        for (int i = 0; i < 12; i += 2) {
            // Each reply follows its own question, and each later prompt saw the earlier answers.
            assertThat(history.get(i + 1).get("content").asText())
                    .isEqualTo("Hello from the fake model. You said: " + history.get(i).get("content").asText());
        }
    }

    @Test
    void rejectAnswers409WhileATurnRunsAndAcceptsAgainOnceItFinished() throws Exception {
        CompletableFuture<Void> gate = FakeOpenAi.gate();
        llm.script(request -> Reply.text("finally").after(gate));
        String session = session("reject");
        Http.Reply first = admin.post("/api/v1/sessions/" + session + "/messages", Map.of("content", "slow one"));
        assertThat(first.status()).isEqualTo(202);

        List<Http.Reply> others = postAtOnce(session, List.of("a", "b", "c", "d", "e"));

        assertThat(others).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.body().get("code").asText()).isEqualTo("turn_in_progress");
            assertThat(r.body().get("detail").asText()).contains(first.body().get("turnId").asText());
        });
        gate.complete(null);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                admin.get("/api/v1/sessions/" + session + "/messages").body().get("items").size() == 2);
        Http.Reply later = admin.post("/api/v1/sessions/" + session + "/messages?wait=30", Map.of("content", "now?"));
        assertThat(later.status()).isEqualTo(200);
        assertThat(later.body().at("/reply/content").asText()).isEqualTo("finally");
        // The refused messages were never shown to anyone nor kept.
        assertThat(admin.get("/api/v1/sessions/" + session + "/messages").body().get("items").findValuesAsText("content"))
                .containsExactly("slow one", "finally", "now?", "finally");
    }

    @Test
    void interruptStopsTheRunningTurnAndClosesItsModelRequest() {
        llm.script(request -> FakeOpenAi.lastUserMessage(request).equals("a long story, please")
                ? Reply.text("and then ".repeat(400)).chunkDelay(Duration.ofMillis(20))
                : Reply.text("Short and sweet."));
        String session = session("interrupt");
        try (SseClient sse = SseClient.connect(cluster.sseUrl(session), null)) {
            int storyRequest = llm.requests().size();
            String story = admin.post("/api/v1/sessions/" + session + "/messages", Map.of("content", "a long story, please"))
                    .body().get("turnId").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> TurnEvents.count(TurnEvents.of(sse, story), "message.delta") >= 3);

            Http.Reply instead = admin.post("/api/v1/sessions/" + session + "/messages?wait=30", Map.of("content", "stop, say it short"));

            assertThat(instead.status()).isEqualTo(200);
            assertThat(instead.body().at("/reply/content").asText()).isEqualTo("Short and sweet.");
            await().atMost(Duration.ofSeconds(10)).until(() -> TurnEvents.finished(sse, story));
            JsonNode failed = TurnEvents.last(TurnEvents.of(sse, story));
            assertThat(failed.get("type").asText()).isEqualTo("turn.failed");
            assertThat(failed.at("/data/code").asText()).isEqualTo("interrupted");
            await("the story's request closed by the agent").atMost(Duration.ofSeconds(10))
                    .until(() -> llm.closedEarly().contains(storyRequest));
        }
    }

    @Test
    void cancelEndsATurnWith202AndThenAnswers409And404() {
        llm.script(request -> Reply.text("slowly ".repeat(500)).chunkDelay(Duration.ofMillis(20)));
        String session = session("queue");
        try (SseClient sse = SseClient.connect(cluster.sseUrl(session), null)) {
            int request = llm.requests().size();
            String turn = admin.post("/api/v1/sessions/" + session + "/messages", Map.of("content", "go on")).body()
                    .get("turnId").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> TurnEvents.count(TurnEvents.of(sse, turn), "message.delta") >= 2);

            Http.Reply cancelled = admin.post("/api/v1/sessions/" + session + "/turns/" + turn + "/cancel", null);

            assertThat(cancelled.status()).isEqualTo(202);
            assertThat(cancelled.body().get("status").asText()).isEqualTo("cancelling");
            await().atMost(Duration.ofSeconds(10)).until(() -> TurnEvents.finished(sse, turn));
            assertThat(TurnEvents.last(TurnEvents.of(sse, turn)).at("/data/code").asText()).isEqualTo("cancelled");
            await().atMost(Duration.ofSeconds(10)).until(() -> llm.closedEarly().contains(request));
            Http.Reply again = admin.post("/api/v1/sessions/" + session + "/turns/" + turn + "/cancel", null);
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.body().get("code").asText()).isEqualTo("turn_finished");
        }
        assertThat(admin.post("/api/v1/sessions/" + session + "/turns/t_nosuchturn/cancel", null).status()).isEqualTo(404);
        String otherKey = admin.post("/api/v1/keys", Map.of("userId", "u_other", "name", "other")).body().get("key").asText();
        Http.Reply foreign = Http.gateway(cluster.gatewayUrl(), otherKey).post("/api/v1/sessions/" + session + "/turns/t_x/cancel", null);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.body().get("code").asText()).isEqualTo("session_not_found");
    }
}
