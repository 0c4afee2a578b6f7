package io.nagatha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Keys;
import io.nagatha.testing.FakeOpenAi.Reply;
import io.nagatha.testing.ServiceProcess;
import io.nagatha.testing.SseClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Acceptance 2: two agent-service processes; the one running a turn is killed with SIGKILL in the
 * middle of its streamed answer. The other takes the turn over (after reclaim-idle, 3 s here) and
 * runs it again from the start; the client sees turn.started again (attempt 2, marked as a re-run)
 * and exactly one message and one turn.completed, and history holds exactly one assistant reply.
 */
class AgentCrashIT {

    static final String STORY = "This is a long answer streamed slowly, word after word, so that the agent can be killed "
            + "while it is still writing. ".repeat(6).strip();

    static ModelCluster cluster;
    static NagathaProcesses nagatha;
    static Http admin;
    static ServiceProcess agentA;
    static ServiceProcess agentB;

    @BeforeAll
    static void start() {
        cluster = new ModelCluster();
        cluster.llm.script(request -> Reply.text(STORY).chunkDelay(Duration.ofMillis(60)));
        agentA = cluster.agent(Map.of("nagatha.service.replica-id", "agent-a", "nagatha.agent.reclaim-idle", "3s"));
        agentB = cluster.agent(Map.of("nagatha.service.replica-id", "agent-b", "nagatha.agent.reclaim-idle", "3s"));
        nagatha = cluster.gateway().nagatha;
        admin = cluster.admin();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aTurnWhoseAgentIsKilledMidStreamIsFinishedOnceByTheOther() {
        String session = cluster.newSession();
        try (SseClient sse = SseClient.connect(cluster.sseUrl(session), null)) {
            String turnId = admin.post("/api/v1/sessions/" + session + "/messages", Map.of("content", "tell me the long one"))
                    .body().get("turnId").asText();
            await("deltas streaming").atMost(Duration.ofSeconds(30))
                    .until(() -> TurnEvents.count(TurnEvents.of(sse, turnId), "message.delta") >= 5);

            String runner = (String) nagatha.redis().call("HGET", Keys.turn(session, turnId), "runner");
            ServiceProcess victim = runner.startsWith("agent-a/") ? agentA : agentB;
            victim.kill(); // SIGKILL mid-stream: no shutdown hook, no cleanup
            assertThat(victim.isAlive()).isFalse();

            await("the other agent finishes the turn").atMost(Duration.ofSeconds(60))
                    .until(() -> TurnEvents.finished(sse, turnId));
            List<JsonNode> events = TurnEvents.of(sse, turnId);
            List<String> types = TurnEvents.types(events);
            assertThat(TurnEvents.count(events, "turn.started")).isEqualTo(2);
            assertThat(TurnEvents.count(events, "message")).isEqualTo(1);
            assertThat(TurnEvents.count(events, "turn.completed")).isEqualTo(1);
            assertThat(types).doesNotContain("turn.failed");
            JsonNode rerun = events.get(types.lastIndexOf("turn.started"));
            assertThat(rerun.at("/data/attempt").asInt()).isEqualTo(2);
            assertThat(rerun.at("/data/rerun").asBoolean()).isTrue();
            assertThat(rerun.at("/data/reason").asText()).contains("runs again from the start");
            // After the re-run's turn.started, the whole answer streams again, then the message.
            List<JsonNode> second = events.subList(types.lastIndexOf("turn.started"), events.size());
            assertThat(TurnEvents.deltas(second)).isEqualTo(STORY);
            assertThat(TurnEvents.last(events).get("type").asText()).isEqualTo("turn.completed");
            assertThat(events.get(events.size() - 2).at("/data/message/content").asText()).isEqualTo(STORY);
            String survivor = (String) nagatha.redis().call("HGET", Keys.turn(session, turnId), "runner");
            assertThat(survivor).doesNotStartWith(runner.substring(0, runner.indexOf('/') + 1));
        }

        JsonNode history = admin.get("/api/v1/sessions/" + session + "/messages").body().get("items");
        assertThat(history.findValuesAsText("role")).containsExactly("user", "assistant");
        assertThat(history.get(1).get("content").asText()).isEqualTo(STORY);
        await("nothing left pending").atMost(Duration.ofSeconds(20))
                .until(() -> admin.get("/api/v1/status").body().at("/queues/turns/pending").asInt() == 0);
    }
}
