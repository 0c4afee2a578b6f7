package io.nagatha.system;

import static io.nagatha.system.GatewayCluster.as;
import static io.nagatha.system.GatewayCluster.newSession;
import static io.nagatha.system.GatewayCluster.ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.StreamFields;
import io.nagatha.testing.SseClient;
import io.nagatha.testing.WsClient;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Acceptance 2: two gateway replicas. Clients on replica A and on replica B, over WebSocket and
 * SSE, attached to one session, get every event of a turn started from either replica in the same
 * order; a client that drops mid-turn and resumes on the other replica with its last event id gets
 * what it missed exactly once; an id older than the stream keeps gives a resume.gap; presence is
 * counted across replicas.
 */
@ExtendWith(GatewayCluster.Extension.class)
class FanoutIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final GatewayCluster cluster = GatewayCluster.get();

    @Test
    void clientsOnBothReplicasGetEveryEventOfTurnsStartedFromEitherInTheSameOrder() {
        String key = cluster.newUserKey("u_fanout_" + System.nanoTime());
        String session = newSession(cluster.a, key, "cli");
        try (WsClient onA = WsClient.connect(ws(cluster.a, session, key, "interface=web"));
                WsClient onB = WsClient.connect(ws(cluster.b, session, key, "interface=discord"));
                SseClient sseOnB = SseClient.connect(cluster.b + "/api/v1/sessions/" + session + "/events?access_token=" + key, null)) {
            await().atMost(WAIT).until(() -> !onA.frames().isEmpty() && !onB.frames().isEmpty());

            // A turn started over REST on replica A ...
            String fromA = as(cluster.a, key).contentType(ContentType.JSON).body(Map.of("content", "posted on A", "interface", "cli"))
                    .post("/api/v1/sessions/{id}/messages", session).then().statusCode(202).extract().path("turnId");
            awaitCompleted(onA, onB, sseOnB, fromA);
            // ... and one started by a WebSocket frame on replica B.
            onB.send(Map.of("type", "message", "content", "sent from B"));
            String fromB = await().atMost(WAIT).until(() -> turnIdOf(onA, "sent from B"), id -> id != null);
            awaitCompleted(onA, onB, sseOnB, fromB);

            for (String turn : List.of(fromA, fromB)) {
                List<JsonNode> a = ofTurn(onA.frames(), turn);
                List<JsonNode> b = ofTurn(onB.frames(), turn);
                List<JsonNode> sse = ofTurn(sseOnB.events().stream().map(SseClient.Received::data).toList(), turn);
                assertTurnSequence(types(a));
                assertThat(ids(a)).as("same events, same order on both replicas").isEqualTo(ids(b)).isEqualTo(ids(sse)).isSorted();
                assertThat(deltas(a)).isEqualTo(deltas(b)).isEqualTo(message(a).at("/data/message/content").asText());
            }
            // Each interface saw the other's message as turn.accepted, with its content and where it came from.
            JsonNode acceptedOnA = ofTurn(onA.frames(), fromB).get(0);
            assertThat(acceptedOnA.at("/data/content").asText()).isEqualTo("sent from B");
            assertThat(acceptedOnA.at("/data/interface").asText()).isEqualTo("discord");
            JsonNode acceptedOnB = ofTurn(onB.frames(), fromA).get(0);
            assertThat(acceptedOnB.at("/data/content").asText()).isEqualTo("posted on A");
            assertThat(acceptedOnB.at("/data/interface").asText()).isEqualTo("cli");
        }
    }

    @Test
    void aClientThatDropsMidTurnAndResumesOnTheOtherReplicaGetsWhatItMissedExactlyOnce() {
        String key = cluster.newUserKey("u_resume_" + System.nanoTime());
        String session = newSession(cluster.a, key, "cli");
        ScriptedTurn turn = new ScriptedTurn(session, "t_scripted" + System.nanoTime());
        List<JsonNode> seen = new ArrayList<>();

        // On replica A: the turn starts, three deltas arrive, then the client drops.
        try (WsClient onA = WsClient.connect(ws(cluster.a, session, key, "interface=web"))) {
            await().atMost(WAIT).until(() -> !onA.frames().isEmpty());
            turn.started();
            for (int i = 1; i <= 3; i++) {
                turn.delta("part " + i + " ");
            }
            await().atMost(WAIT).until(() -> ofTurn(onA.frames(), turn.id).size() == 4);
            seen.addAll(ofTurn(onA.frames(), turn.id));
        }
        // While it is away, the turn goes on.
        for (int i = 4; i <= 7; i++) {
            turn.delta("part " + i + " ");
        }
        String lastSeen = seen.get(seen.size() - 1).get("id").asText();

        // On replica B: a resume frame with the last id replays the missed events, then live ones follow.
        try (WsClient onB = WsClient.connect(ws(cluster.b, session, key, "interface=web"))) {
            await().atMost(WAIT).until(() -> !onB.frames().isEmpty());
            onB.send(Map.of("type", "resume", "since", lastSeen));
            await().atMost(WAIT).until(() -> ofTurn(onB.frames(), turn.id).size() == 4);
            for (int i = 8; i <= 10; i++) {
                turn.delta("part " + i + " ");
            }
            turn.finish();
            await().atMost(WAIT).until(() -> types(ofTurn(onB.frames(), turn.id)).contains("turn.completed"));
            seen.addAll(ofTurn(onB.frames(), turn.id));
        }
        assertThat(ids(seen)).as("every event once, in order").doesNotHaveDuplicates().isSorted()
                .isEqualTo(turn.written);
        assertThat(deltas(seen)).isEqualTo(turn.text());

        // The same with SSE and Last-Event-ID, and with ?since= on a new WebSocket: what followed the id, once.
        String afterThird = turn.written.get(3);
        List<String> rest = turn.written.subList(4, turn.written.size());
        try (SseClient sse = SseClient.connect(cluster.b + "/api/v1/sessions/" + session + "/events?access_token=" + key, afterThird);
                WsClient wsSince = WsClient.connect(ws(cluster.a, session, key, "interface=web&since=" + afterThird))) {
            await().atMost(WAIT).until(() -> ofTurn(sse.events().stream().map(SseClient.Received::data).toList(), turn.id).size() >= rest.size()
                    && ofTurn(wsSince.frames(), turn.id).size() >= rest.size());
            assertThat(ids(ofTurn(sse.events().stream().map(SseClient.Received::data).toList(), turn.id))).isEqualTo(rest);
            assertThat(ids(ofTurn(wsSince.frames(), turn.id))).isEqualTo(rest);
        }
    }

    @Test
    void resumingFromAnIdOlderThanTheStreamKeepsGivesAResumeGapFirst() {
        String key = cluster.newUserKey("u_gap_" + System.nanoTime());
        String session = newSession(cluster.a, key, "cli");
        String events = Keys.events(session);
        ScriptedTurn turn = new ScriptedTurn(session, "t_gap" + System.nanoTime());
        turn.started();
        String old = turn.written.get(0);
        for (int i = 0; i < 30; i++) {
            turn.delta("x");
        }
        cluster.nagatha.redis().call("XTRIM", events, "MAXLEN", "5");
        String oldest = (String) ((List<?>) ((List<?>) cluster.nagatha.redis().call("XRANGE", events, "-", "+", "COUNT", "1")).get(0)).get(0);

        try (WsClient client = WsClient.connect(ws(cluster.b, session, key, "since=" + old))) {
            await().atMost(WAIT).until(() -> client.frames().size() >= 7);
            List<JsonNode> frames = client.frames();
            assertThat(frames.get(0).get("type").asText()).isEqualTo("session.attached");
            assertThat(frames.get(1).get("type").asText()).isEqualTo("resume.gap");
            assertThat(frames.get(1).at("/data/since").asText()).isEqualTo(old);
            assertThat(frames.get(1).at("/data/oldest").asText()).isEqualTo(oldest);
            assertThat(frames.get(2).get("id").asText()).isEqualTo(oldest);
            assertThat(frames.subList(2, 7)).allMatch(f -> f.get("type").asText().equals("message.delta"));
        }
        try (SseClient sse = SseClient.connect(cluster.a + "/api/v1/sessions/" + session + "/events?access_token=" + key, old)) {
            await().atMost(WAIT).until(() -> sse.events().size() >= 6);
            assertThat(sse.events().get(0).event()).isEqualTo("resume.gap");
            assertThat(sse.events().get(1).id()).isEqualTo(oldest);
        }
    }

    @Test
    void anInterfaceOpenOnBothReplicasStaysAttachedUntilItsLastSocketCloses() {
        String key = cluster.newUserKey("u_presence_" + System.nanoTime());
        String session = newSession(cluster.a, key, "cli");
        try (WsClient watcher = WsClient.connect(ws(cluster.a, session, key, "interface=watcher"))) {
            // A socket follows the stream from before its own attach: it sees itself arrive, and so
            // cannot miss another interface attaching at the same moment.
            await().atMost(WAIT).until(() -> presence(watcher).contains(List.of("cli", "watcher")));
            WsClient webOnA = WsClient.connect(ws(cluster.a, session, key, "interface=web"));
            WsClient webOnB = WsClient.connect(ws(cluster.b, session, key, "interface=web"));
            await().atMost(WAIT).until(() -> !webOnA.frames().isEmpty() && !webOnB.frames().isEmpty());
            await().atMost(WAIT).until(() -> presence(watcher).contains(List.of("cli", "watcher", "web")));
            int before = presence(watcher).size();

            webOnA.close(); // replica A's web socket goes: B's keeps the interface
            await().atMost(WAIT).until(() -> webOnA.closeCode().isDone());
            assertThat(webOnB.frames().get(0).path("type").asText()).as("B attached: %s", webOnB.frames()).isEqualTo("session.attached");
            try {
                await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> presence(watcher).size() == before);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("presence changed while B's web socket is open: " + presence(watcher) + "; B got "
                        + webOnB.frames() + "; session " + as(cluster.a, key).get("/api/v1/sessions/{id}", session).asString(), e);
            }
            as(cluster.a, key).get("/api/v1/sessions/{id}", session).then().statusCode(200)
                    .body("interfaces.type", org.hamcrest.Matchers.hasItem("web"));

            webOnB.close(); // the last web socket goes: everyone is told
            await().atMost(WAIT).until(() -> presence(watcher).size() == before + 1);
            assertThat(presence(watcher).get(before)).containsExactly("cli", "watcher");
        }
    }

    /** Events an agent would write for one turn, written straight to the session's stream, so the test decides when. */
    private final class ScriptedTurn {
        final String session;
        final String id;
        final List<String> written = new ArrayList<>();
        private final StringBuilder text = new StringBuilder();

        ScriptedTurn(String session, String id) {
            this.session = session;
            this.id = id;
        }

        void started() {
            write(Event.turnStarted(session, id, 1));
        }

        void delta(String piece) {
            text.append(piece);
            write(Event.delta(session, id, piece));
        }

        void finish() {
            write(Event.of("message", session, id, Json.object().set("message", Json.object()
                    .put("id", "m_scripted").put("role", "assistant").put("content", text.toString()).put("turnId", id))));
            write(Event.of("turn.completed", session, id, Json.object()));
        }

        String text() {
            return text.toString();
        }

        private void write(Event event) {
            written.add((String) cluster.nagatha.redis().call("XADD", Keys.events(session), "*", StreamFields.EVENT, Json.encode(event)));
        }
    }

    private static void awaitCompleted(WsClient a, WsClient b, SseClient sse, String turnId) {
        Predicate<List<JsonNode>> done = events -> types(events).contains("turn.completed");
        await("turn " + turnId + " on every client").atMost(WAIT).until(() -> done.test(ofTurn(a.frames(), turnId))
                && done.test(ofTurn(b.frames(), turnId))
                && done.test(ofTurn(sse.events().stream().map(SseClient.Received::data).toList(), turnId)));
    }

    private static String turnIdOf(WsClient client, String content) {
        return client.frames().stream().filter(f -> f.path("type").asText().equals("turn.accepted")
                && f.at("/data/content").asText().equals(content)).map(f -> f.get("turnId").asText()).findFirst().orElse(null);
    }

    private static List<List<String>> presence(WsClient client) {
        return client.frames().stream().filter(f -> f.path("type").asText().equals("presence"))
                .map(f -> (List<String>) Json.MAPPER.convertValue(f.at("/data/interfaces"), List.class)).toList();
    }

    static List<JsonNode> ofTurn(List<JsonNode> events, String turnId) {
        return events.stream().filter(e -> turnId.equals(e.path("turnId").asText())).toList();
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asText()).toList();
    }

    static List<String> ids(List<JsonNode> events) {
        return events.stream().map(e -> e.get("id").asText()).toList();
    }

    static String deltas(List<JsonNode> events) {
        return events.stream().filter(e -> e.get("type").asText().equals("message.delta"))
                .map(e -> e.at("/data/text").asText()).collect(Collectors.joining());
    }

    static JsonNode message(List<JsonNode> events) {
        return events.stream().filter(e -> e.get("type").asText().equals("message")).findFirst().orElseThrow();
    }

    /** turn.accepted, turn.started, one or more message.delta, message, turn.completed — in that order. */
    static void assertTurnSequence(List<String> types) {
        assertThat(types).hasSizeGreaterThanOrEqualTo(5);
        assertThat(types.subList(0, 2)).containsExactly("turn.accepted", "turn.started");
        assertThat(types.subList(2, types.size() - 2)).isNotEmpty().allMatch(Predicate.isEqual("message.delta"));
        assertThat(types.subList(types.size() - 2, types.size())).containsExactly("message", "turn.completed");
    }
}
