package io.nagatha.system;

import static io.nagatha.system.GatewayCluster.as;
import static io.nagatha.system.GatewayCluster.newSession;
import static io.nagatha.system.GatewayCluster.ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventTypes;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.StreamFields;
import io.nagatha.testing.WsClient;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Live clients that cannot keep up, or have gone quiet, on a gateway replica with a small outbound
 * queue (16 frames) and a short idle timeout (2 s): a slow client loses a turn's deltas but gets
 * its message; one whose queue fills with events that cannot be dropped is closed with 1013 and
 * gets the rest by resuming; a socket that answers nothing is closed with 4408, one that answers
 * the server's pings or sends its own stays open.
 */
@ExtendWith(GatewayCluster.Extension.class)
class SlowClientIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int EVENTS = 300;
    private static final String BIG = "x".repeat(64 * 1024);

    private final GatewayCluster cluster = GatewayCluster.get();
    /** Slow clients: a small queue (and the default idle timeout, which a slow reader does not reach here). */
    private final String gateway = cluster.gateway("small-queue", Map.of("nagatha.gateway.clients.outbound-queue", "16"));
    /** Quiet clients: pings every 500 ms, closed after 2 s without a frame or a pong. */
    private final String impatient = cluster.gateway("short-idle", Map.of(
            "nagatha.gateway.clients.idle-timeout", "2s",
            "nagatha.gateway.clients.idle-check", "1s",
            "quarkus.websockets-next.server.auto-ping-interval", "500ms"));

    @Test
    void aSlowWebSocketLosesDeltasButGetsTheMessage() {
        String key = cluster.newUserKey("u_slow_ws_" + System.nanoTime());
        String session = newSession(gateway, key, "cli");
        try (RawWebSocket client = RawWebSocket.open(ws(gateway, session, key, "interface=web"), 8192)) {
            assertThat(type(client.read())).isEqualTo("session.attached");
            double before = metric("nagatha_clients_dropped_deltas_total", "websocket");
            writeTurn(session, "t_slow_ws");
            await("deltas dropped while the client reads nothing").atMost(WAIT)
                    .until(() -> metric("nagatha_clients_dropped_deltas_total", "websocket") > before);

            List<JsonNode> got = new ArrayList<>();
            while (got.isEmpty() || !got.get(got.size() - 1).path("type").asText().equals("turn.completed")) {
                RawWebSocket.Frame frame = client.read();
                assertThat(frame.isClose()).as("not cut off: only deltas were waiting").isFalse();
                JsonNode event = Json.decode(frame.text(), JsonNode.class);
                if ("t_slow_ws".equals(event.path("turnId").asText())) {
                    got.add(event);
                }
            }
            assertPrefixOfDeltasThenMessage(got);
        }
    }

    @Test
    void aSlowSseStreamLosesDeltasButGetsTheMessage() throws IOException {
        String key = cluster.newUserKey("u_slow_sse_" + System.nanoTime());
        String session = newSession(gateway, key, "cli");
        URI uri = URI.create(gateway);
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(8192);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET /api/v1/sessions/" + session + "/events HTTP/1.1\r\nHost: " + uri.getHost()
                    + "\r\nAuthorization: Bearer " + key + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            SseReader sse = new SseReader(new DataInputStream(socket.getInputStream()));
            assertThat(sse.headers()).startsWith("HTTP/1.1 200");
            double before = metric("nagatha_clients_dropped_deltas_total", "sse");
            writeTurn(session, "t_slow_sse");
            await("deltas dropped while the client reads nothing").atMost(WAIT)
                    .until(() -> metric("nagatha_clients_dropped_deltas_total", "sse") > before);
            List<JsonNode> got = new ArrayList<>();
            while (got.isEmpty() || !got.get(got.size() - 1).path("type").asText().equals("turn.completed")) {
                JsonNode event = sse.next();
                if ("t_slow_sse".equals(event.path("turnId").asText())) {
                    got.add(event);
                }
            }
            assertPrefixOfDeltasThenMessage(got);
        }
    }

    @Test
    void aClientWhoseQueueFillsWithEventsThatCannotBeDroppedIsClosedWith1013AndResumes() {
        String key = cluster.newUserKey("u_cut_" + System.nanoTime());
        String session = newSession(gateway, key, "cli");
        List<String> written = new ArrayList<>();
        String lastId;
        int received = 0;
        try (RawWebSocket client = RawWebSocket.open(ws(gateway, session, key, "interface=web"), 8192)) {
            assertThat(type(client.read())).isEqualTo("session.attached");
            double before = metric("nagatha_clients_cut_off_total", "websocket");
            for (int i = 0; i < EVENTS; i++) {
                written.add(write(Event.of(EventTypes.TOOL_RESULT, session, "t_cut", Json.object().put("callId", "c" + i)
                        .put("ok", true).put("content", BIG).put("ms", 1))));
            }
            await("cut off").atMost(WAIT).until(() -> metric("nagatha_clients_cut_off_total", "websocket") > before);
            lastId = null;
            RawWebSocket.Frame frame = client.read();
            while (!frame.isClose()) {
                JsonNode event = Json.decode(frame.text(), JsonNode.class);
                if ("t_cut".equals(event.path("turnId").asText())) {
                    assertThat(event.get("id").asText()).isEqualTo(written.get(received));
                    lastId = event.get("id").asText();
                    received++;
                }
                frame = client.read();
            }
            assertThat(frame.closeCode()).isEqualTo(1013);
            assertThat(frame.text()).isEqualTo("slow_consumer");
        }
        assertThat(received).isLessThan(EVENTS);
        // It resumes from the last event it got and receives the rest, each once.
        try (WsClient resumed = WsClient.connect(ws(gateway, session, key, "since=" + lastId))) {
            int missing = EVENTS - received;
            await().atMost(WAIT).until(() -> FanoutIT.ofTurn(resumed.frames(), "t_cut").size() >= missing);
            assertThat(FanoutIT.ids(FanoutIT.ofTurn(resumed.frames(), "t_cut"))).isEqualTo(written.subList(received, EVENTS));
        }
    }

    @Test
    void aSocketThatAnswersNothingIsClosedAsIdleOneThatAnswersPingsStaysOpen() throws Exception {
        String key = cluster.newUserKey("u_idle_" + System.nanoTime());
        String session = newSession(impatient, key, "cli");
        // Timed from before the silent socket opens: the server counts its silence from its attach,
        // and opening the other two (slow on a loaded machine) must not eat into the measured time.
        long start = System.nanoTime();
        try (RawWebSocket silent = RawWebSocket.open(ws(impatient, session, key, "interface=silent"), 0);
                RawWebSocket chatty = RawWebSocket.open(ws(impatient, session, key, "interface=chatty"), 0);
                WsClient answersPings = WsClient.connect(ws(impatient, session, key, "interface=polite"))) {
            assertThat(type(silent.read())).isEqualTo("session.attached");
            Thread pinger = new Thread(() -> {
                for (int i = 0; i < 16; i++) {
                    chatty.sendText("{\"type\":\"ping\"}");
                    sleep(400);
                }
            });
            pinger.start();
            RawWebSocket.Frame frame = silent.read();
            while (!frame.isClose()) {
                frame = silent.read();
            }
            assertThat(frame.closeCode()).isEqualTo(4408);
            assertThat(frame.text()).isEqualTo("idle_timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
            pinger.join();
            // 6 s later: the one that sent pings and the one whose library answered the server's pings are open.
            assertThat(answersPings.closeCode()).isNotDone();
            chatty.sendText("{\"type\":\"ping\"}");
            RawWebSocket.Frame pong = chatty.read();
            while (!pong.isClose() && !pong.text().contains("pong")) {
                pong = chatty.read();
            }
            assertThat(pong.isClose()).isFalse();
        }
        // The closed socket's interface is gone from the session.
        await().atMost(WAIT).untilAsserted(() -> as(impatient, key).get("/api/v1/sessions/{id}", session).then()
                .body("interfaces.type", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("silent"))));
    }

    private void writeTurn(String session, String turnId) {
        write(Event.turnStarted(session, turnId, 1));
        for (int i = 0; i < EVENTS; i++) {
            write(Event.delta(session, turnId, String.format("%04d", i) + BIG));
        }
        write(Event.of(EventTypes.MESSAGE, session, turnId, Json.object().set("message", Json.object().put("content", "all of it"))));
        write(Event.of(EventTypes.TURN_COMPLETED, session, turnId, Json.object()));
    }

    private String write(Event event) {
        return (String) cluster.nagatha.redis().call("XADD", Keys.events(event.sessionId()), "*", StreamFields.EVENT, Json.encode(event));
    }

    /** Some deltas, in order and without a gap, then the message and the end of the turn. */
    private static void assertPrefixOfDeltasThenMessage(List<JsonNode> got) {
        List<String> types = FanoutIT.types(got);
        assertThat(types.get(0)).isEqualTo("turn.started");
        assertThat(types.subList(types.size() - 2, types.size())).containsExactly("message", "turn.completed");
        List<JsonNode> deltas = got.subList(1, got.size() - 2);
        assertThat(deltas).allMatch(e -> e.get("type").asText().equals("message.delta"));
        assertThat(deltas.size()).isLessThan(EVENTS);
        for (int i = 0; i < deltas.size(); i++) {
            assertThat(deltas.get(i).at("/data/text").asText()).startsWith(String.format("%04d", i));
        }
        assertThat(got.get(got.size() - 2).at("/data/message/content").asText()).isEqualTo("all of it");
    }

    private double metric(String name, String transport) {
        String text = io.restassured.RestAssured.given().baseUri(gateway).accept("text/plain").get("/q/metrics").asString();
        // tags come sorted (application=..., transport=...): match the transport wherever it sits
        Matcher m = Pattern.compile("^" + name + "\\{[^}]*\\btransport=\"" + transport + "\"[^}]*} ([0-9.Ee+-]+)$", Pattern.MULTILINE)
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static String type(RawWebSocket.Frame frame) {
        return Json.decode(frame.text(), JsonNode.class).path("type").asText();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads a chunked SSE response event by event. */
    private static final class SseReader {
        private final DataInputStream in;
        private final StringBuilder pending = new StringBuilder();

        SseReader(DataInputStream in) {
            this.in = in;
        }

        String headers() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                head.write(in.readUnsignedByte());
            }
            return head.toString(StandardCharsets.US_ASCII);
        }

        /** The next event's data as JSON (comments skipped). */
        JsonNode next() {
            try {
                while (true) {
                    int end = pending.indexOf("\n\n");
                    if (end >= 0) {
                        String block = pending.substring(0, end);
                        pending.delete(0, end + 2);
                        for (String line : block.split("\n")) {
                            if (line.startsWith("data:")) {
                                return Json.decode(line.substring(5).strip(), JsonNode.class);
                            }
                        }
                        continue;
                    }
                    String size = readLine();
                    if (size.isEmpty()) {
                        continue;
                    }
                    byte[] chunk = new byte[Integer.parseInt(size.strip(), 16)];
                    in.readFully(chunk);
                    readLine();
                    pending.append(new String(chunk, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("stream ended");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }
    }
}
