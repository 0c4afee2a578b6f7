package io.nagatha.system;

import static io.nagatha.system.GatewayCluster.as;
import static io.nagatha.system.GatewayCluster.newSession;
import static io.nagatha.system.GatewayCluster.ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import io.nagatha.testing.WsClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Acceptance 4: bad input of every kind through the running gateway — malformed JSON, wrong
 * types, oversize bodies and frames, unknown ids, bad cursors, bad, revoked and missing keys,
 * unknown WebSocket frames, rate-limit bursts. Never a 5xx; every answer a problem document
 * ({@code application/problem+json}) with the right {@code code} and no stack trace; a bad
 * WebSocket frame gets an error frame and the socket stays open.
 */
@ExtendWith(GatewayCluster.Extension.class)
class BadInputIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration WAIT = Duration.ofSeconds(30);

    static GatewayCluster cluster;
    static String userKey;
    static String session;
    static String endedSession;
    static String othersSession;
    static String revokedKey;

    @BeforeAll
    static void fixture() {
        // A @MethodSource runs before the extension's beforeAll; the fixture is made here, after it.
        cluster = GatewayCluster.get();
        long n = System.nanoTime();
        userKey = cluster.newUserKey("u_bad_" + n);
        session = newSession(cluster.a, userKey, "cli");
        endedSession = newSession(cluster.a, userKey, "cli");
        as(cluster.a, userKey).delete("/api/v1/sessions/{id}", endedSession).then().statusCode(204);
        othersSession = newSession(cluster.a, cluster.newUserKey("u_bad_other_" + n), "cli");
        revokedKey = cluster.newUserKey("u_bad_revoked_" + n);
        String id = as(cluster.a, cluster.adminKey()).get("/api/v1/keys").then().extract().jsonPath()
                .getString("items.find { it.userId == 'u_bad_revoked_" + n + "' }.id");
        as(cluster.a, cluster.adminKey()).delete("/api/v1/keys/{id}", id).then().statusCode(204);
    }

    /** One request: how to send it, and the status and code it must get. */
    record Case(String name, Function<Sender, HttpResponse<String>> request, int status, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Sends raw requests to gateway A with the test user's key unless told otherwise. */
    static final class Sender {
        HttpResponse<String> send(String method, String path, String key, String contentType, String body, Map<String, String> headers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.a + path.replace("{s}", session)
                    .replace("{ended}", endedSession).replace("{other}", othersSession))).timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (key != null) {
                request.header("Authorization", "Bearer " + key);
            }
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            headers.forEach(request::header);
            return exchange(request.build());
        }

        HttpResponse<String> json(String method, String path, String body) {
            return send(method, path, userKey, "application/json", body, Map.of());
        }

        HttpResponse<String> admin(String method, String path, String body) {
            return send(method, path, cluster.adminKey(), "application/json", body, Map.of());
        }

        HttpResponse<String> get(String path) {
            return send("GET", path, userKey, null, null, Map.of());
        }

        HttpResponse<String> key(String authorization) {
            return send("GET", "/api/v1/sessions", null, null, null, Map.of("Authorization", authorization));
        }

        /** A body of unknown length (chunked): the size check cannot read a Content-Length. */
        HttpResponse<String> chunked(String path, byte[] body) {
            return exchange(HttpRequest.newBuilder(URI.create(cluster.a + path.replace("{s}", session)))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + userKey)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
        }

        private static HttpResponse<String> exchange(HttpRequest request) {
            try {
                return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static Case c(String name, Function<Sender, HttpResponse<String>> request, int status, String code) {
        return new Case(name, request, status, code);
    }

    static Stream<Case> cases() {
        String big = "{\"content\":\"" + "x".repeat(300 * 1024) + "\"}";
        List<Case> cases = new ArrayList<>(List.of(
                // keys
                c("no key", s -> s.send("GET", "/api/v1/sessions", null, null, null, Map.of()), 401, "unauthorized"),
                c("empty bearer", s -> s.key("Bearer "), 401, "unauthorized"),
                c("bearer that is not a key", s -> s.key("Bearer not-a-key"), 401, "unauthorized"),
                c("basic instead of bearer", s -> s.key("Basic dXNlcjpwYXNz"), 401, "unauthorized"),
                c("unknown key id", s -> s.key("Bearer nag_nosuchkey_" + "A".repeat(43)), 401, "unauthorized"),
                c("right id, wrong secret", s -> s.key("Bearer " + userKey.substring(0, userKey.length() - 4) + "ABCD"), 401, "unauthorized"),
                c("revoked key", s -> s.key("Bearer " + revokedKey), 401, "unauthorized"),
                c("access_token on a POST", s -> s.send("POST", "/api/v1/sessions?access_token=" + userKey, null, "application/json",
                        "{\"interface\":\"cli\"}", Map.of()), 401, "unauthorized"),
                c("a user key acting for an identity", s -> s.send("GET", "/api/v1/sessions", userKey, null, null,
                        Map.of("X-Nagatha-Identity", "discord:1")), 403, "forbidden"),
                c("a user key on an admin route", s -> s.get("/api/v1/keys"), 403, "forbidden"),
                c("a user key calling a tool", s -> s.json("POST", "/api/v1/tools/everything/echo/calls", "{}"), 403, "forbidden"),
                // malformed JSON and wrong types
                c("session: truncated JSON", s -> s.json("POST", "/api/v1/sessions", "{"), 400, "validation_failed"),
                c("session: an array", s -> s.json("POST", "/api/v1/sessions", "[]"), 400, "validation_failed"),
                c("session: a string", s -> s.json("POST", "/api/v1/sessions", "\"cli\""), 400, "validation_failed"),
                c("session: null", s -> s.json("POST", "/api/v1/sessions", "null"), 400, "validation_failed"),
                c("session: empty body", s -> s.json("POST", "/api/v1/sessions", ""), 400, "validation_failed"),
                c("session: interface a number", s -> s.json("POST", "/api/v1/sessions", "{\"interface\":5}"), 400, "validation_failed"),
                c("session: mode a boolean", s -> s.json("POST", "/api/v1/sessions", "{\"interface\":\"cli\",\"mode\":true}"), 400,
                        "validation_failed"),
                c("session: unknown mode", s -> s.json("POST", "/api/v1/sessions", "{\"interface\":\"cli\",\"mode\":\"x\"}"), 400,
                        "validation_failed"),
                c("session: interface in capitals", s -> s.json("POST", "/api/v1/sessions", "{\"interface\":\"CLI\"}"), 400,
                        "validation_failed"),
                c("session: title too long", s -> s.json("POST", "/api/v1/sessions",
                        "{\"interface\":\"cli\",\"title\":\"" + "t".repeat(201) + "\"}"), 400, "validation_failed"),
                c("message: truncated JSON", s -> s.json("POST", "/api/v1/sessions/{s}/messages", "{\"content\":"), 400, "validation_failed"),
                c("message: content a number", s -> s.json("POST", "/api/v1/sessions/{s}/messages", "{\"content\":123}"), 400,
                        "validation_failed"),
                c("message: content an array", s -> s.json("POST", "/api/v1/sessions/{s}/messages", "{\"content\":[\"a\"]}"), 400,
                        "validation_failed"),
                c("message: content an object", s -> s.json("POST", "/api/v1/sessions/{s}/messages", "{\"content\":{}}"), 400,
                        "validation_failed"),
                c("message: content null", s -> s.json("POST", "/api/v1/sessions/{s}/messages", "{\"content\":null}"), 400,
                        "validation_failed"),
                c("message: content blank", s -> s.json("POST", "/api/v1/sessions/{s}/messages", "{\"content\":\"   \"}"), 400,
                        "validation_failed"),
                c("message: no body", s -> s.json("POST", "/api/v1/sessions/{s}/messages", null), 400, "validation_failed"),
                c("message: empty idempotency key", s -> s.json("POST", "/api/v1/sessions/{s}/messages",
                        "{\"content\":\"hi\",\"idempotencyKey\":\"\"}"), 400, "validation_failed"),
                c("message: idempotency key too long", s -> s.json("POST", "/api/v1/sessions/{s}/messages",
                        "{\"content\":\"hi\",\"idempotencyKey\":\"" + "k".repeat(129) + "\"}"), 400, "validation_failed"),
                c("message: idempotency key a number", s -> s.json("POST", "/api/v1/sessions/{s}/messages",
                        "{\"content\":\"hi\",\"idempotencyKey\":5}"), 400, "validation_failed"),
                c("message: wait negative", s -> s.json("POST", "/api/v1/sessions/{s}/messages?wait=-1", "{\"content\":\"hi\"}"), 400,
                        "validation_failed"),
                c("message: wait not a number", s -> s.json("POST", "/api/v1/sessions/{s}/messages?wait=soon", "{\"content\":\"hi\"}"), 400,
                        "validation_failed"),
                c("message: wait too long", s -> s.json("POST", "/api/v1/sessions/{s}/messages?wait=121", "{\"content\":\"hi\"}"), 400,
                        "validation_failed"),
                c("message: content over 32,768 characters", s -> s.json("POST", "/api/v1/sessions/{s}/messages",
                        "{\"content\":\"" + "x".repeat(32_769) + "\"}"), 413, "payload_too_large"),
                c("message: body over 256 KiB", s -> s.json("POST", "/api/v1/sessions/{s}/messages", big), 413, "payload_too_large"),
                c("message: chunked body over 256 KiB", s -> s.chunked("/api/v1/sessions/{s}/messages",
                        big.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 413, "payload_too_large"),
                c("message: text/plain", s -> s.send("POST", "/api/v1/sessions/{s}/messages", userKey, "text/plain", "hello", Map.of()),
                        415, "unsupported_media_type"),
                c("message: to an ended session", s -> s.json("POST", "/api/v1/sessions/{ended}/messages", "{\"content\":\"hi\"}"), 409,
                        "session_ended"),
                c("patch: turn policy a number", s -> s.json("PATCH", "/api/v1/sessions/{s}", "{\"turnPolicy\":1}"), 400,
                        "validation_failed"),
                c("patch: unknown turn policy", s -> s.json("PATCH", "/api/v1/sessions/{s}", "{\"turnPolicy\":\"later\"}"), 400,
                        "validation_failed"),
                c("patch: truncated JSON", s -> s.json("PATCH", "/api/v1/sessions/{s}", "{\"title\""), 400, "validation_failed"),
                c("attach: empty interface", s -> s.json("POST", "/api/v1/sessions/{s}/interfaces", "{\"interface\":\"\"}"), 400,
                        "validation_failed"),
                c("attach: no body", s -> s.json("POST", "/api/v1/sessions/{s}/interfaces", null), 400, "validation_failed"),
                c("memory: unknown section", s -> s.json("PUT", "/api/v1/memory/secrets/k", "{\"value\":1}"), 400, "validation_failed"),
                c("memory: ttl not a number", s -> s.json("PUT", "/api/v1/memory/facts/k", "{\"value\":1,\"ttlSeconds\":\"soon\"}"), 400,
                        "validation_failed"),
                c("memory: key too long", s -> s.json("PUT", "/api/v1/memory/facts/" + "k".repeat(129), "{\"value\":1}"), 400,
                        "validation_failed"),
                c("memory: no value", s -> s.json("PUT", "/api/v1/memory/facts/k", "{}"), 400, "validation_failed"),
                c("tool call: arguments a string", s -> s.admin("POST", "/api/v1/tools/everything/echo/calls", "{\"arguments\":\"x\"}"),
                        400, "validation_failed"),
                c("tool call: bad session id", s -> s.admin("POST", "/api/v1/tools/everything/echo/calls",
                        "{\"arguments\":{},\"sessionId\":\"no such id!\"}"), 400, "validation_failed"),
                c("key: no user", s -> s.admin("POST", "/api/v1/keys", "{\"name\":\"n\"}"), 400, "validation_failed"),
                c("key: admin a string", s -> s.admin("POST", "/api/v1/keys", "{\"userId\":\"u_x\",\"name\":\"n\",\"admin\":\"yes\"}"), 400,
                        "validation_failed"),
                c("link: code a number", s -> s.json("POST", "/api/v1/identities/link", "{\"code\":5,\"identity\":\"discord:1\"}"), 400,
                        "validation_failed"),
                // unknown ids
                c("unknown session", s -> s.get("/api/v1/sessions/s_doesnotexist"), 404, "session_not_found"),
                c("another user's session", s -> s.get("/api/v1/sessions/{other}"), 404, "session_not_found"),
                c("a session id that is not an id", s -> s.get("/api/v1/sessions/not%20an%20id!"), 404, "session_not_found"),
                c("history of an unknown session", s -> s.get("/api/v1/sessions/s_doesnotexist/messages"), 404, "session_not_found"),
                c("events of an unknown session", s -> s.get("/api/v1/sessions/s_doesnotexist/events"), 404, "session_not_found"),
                c("message to an unknown session", s -> s.json("POST", "/api/v1/sessions/s_doesnotexist/messages", "{\"content\":\"hi\"}"),
                        404, "session_not_found"),
                c("usage of an unknown session", s -> s.get("/api/v1/usage?sessionId=s_doesnotexist"), 404, "session_not_found"),
                c("unknown memory entry", s -> s.get("/api/v1/memory/facts/never-written"), 404, "not_found"),
                c("unknown key id", s -> s.admin("DELETE", "/api/v1/keys/k_nosuchkey", null), 404, "not_found"),
                c("unknown MCP server", s -> s.admin("POST", "/api/v1/mcp/servers/no-such-server/restart", null), 404, "not_found"),
                c("unknown tool", s -> s.admin("POST", "/api/v1/tools/everything/no_such_tool/calls", "{}"), 404, "tool_not_found"),
                c("unknown route", s -> s.get("/api/v1/nothing-here"), 404, "not_found"),
                // bad cursors and query parameters
                c("sessions: garbage cursor", s -> s.get("/api/v1/sessions?cursor=garbage"), 400, "validation_failed"),
                c("sessions: limit not a number", s -> s.get("/api/v1/sessions?limit=ten"), 400, "validation_failed"),
                c("sessions: limit over 200", s -> s.get("/api/v1/sessions?limit=201"), 400, "validation_failed"),
                c("sessions: active neither true nor false", s -> s.get("/api/v1/sessions?active=maybe"), 400, "validation_failed"),
                c("history: garbage before", s -> s.get("/api/v1/sessions/{s}/messages?before=garbage"), 400, "validation_failed"),
                c("history: limit 0", s -> s.get("/api/v1/sessions/{s}/messages?limit=0"), 400, "validation_failed"),
                c("events: garbage Last-Event-ID", s -> s.send("GET", "/api/v1/sessions/{s}/events", userKey, null, null,
                        Map.of("Last-Event-ID", "yesterday")), 400, "validation_failed"),
                c("events: since with three parts", s -> s.get("/api/v1/sessions/{s}/events?since=1-2-3"), 400, "validation_failed"),
                c("events: since beyond 64 bits", s -> s.get("/api/v1/sessions/{s}/events?since=99999999999999999999-0"), 400,
                        "validation_failed"),
                // methods and media types
                c("a method the route does not have", s -> s.json("PUT", "/api/v1/sessions", "{}"), 405, "method_not_allowed"),
                c("XML instead of JSON", s -> s.send("POST", "/api/v1/sessions", userKey, "application/xml", "<interface/>", Map.of()),
                        415, "unsupported_media_type")));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aBadRequestGetsAProblemWithItsCodeNeverA5xx(Case bad) {
        HttpResponse<String> response = bad.request().apply(new Sender());
        assertProblem(response, bad.status(), bad.code());
    }

    @Test
    void thereAreAtLeastSixtyRestCases() {
        assertThat(cases().count()).isGreaterThanOrEqualTo(60);
    }

    static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isLessThan(500).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = Json.decode(response.body(), JsonNode.class);
        assertThat(problem.get("code").asText()).isEqualTo(code);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("type").asText()).startsWith("https://");
        assertThat(response.body()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain(".java:");
    }

    @Test
    void badWebSocketFramesGetAnErrorFrameAndTheSocketStaysOpen() {
        try (WsClient socket = WsClient.connect(ws(cluster.a, session, userKey, "interface=web"))) {
            await().atMost(WAIT).until(() -> !socket.frames().isEmpty());
            List<Object> bad = List.of(
                    Map.of("type", "shout", "content", "hi"),           // unknown type
                    Map.of("content", "no type"),                        // no type
                    Map.of("type", 5),                                   // type a number
                    List.of("type", "message"),                          // an array
                    "just a string",                                     // not an object
                    Map.of("type", "message"),                           // no content
                    Map.of("type", "message", "content", 42),            // content a number
                    Map.of("type", "message", "content", ""),            // content empty
                    Map.of("type", "message", "content", "x".repeat(32_769)),   // content too long
                    Map.of("type", "message", "content", "hi", "idempotencyKey", 7), // key a number
                    Map.of("type", "resume"),                            // no since
                    Map.of("type", "resume", "since", "yesterday"));     // bad since
            List<String> expected = List.of("validation_failed", "validation_failed", "validation_failed", "validation_failed",
                    "validation_failed", "validation_failed", "validation_failed", "validation_failed", "payload_too_large",
                    "validation_failed", "validation_failed", "validation_failed");
            for (Object frame : bad) {
                socket.send(frame);
            }
            socket.sendRaw("{not json");
            await().atMost(WAIT).until(() -> errors(socket).size() == bad.size() + 1);
            assertThat(errors(socket).subList(0, bad.size())).isEqualTo(expected);
            assertThat(errors(socket).get(bad.size())).isEqualTo("validation_failed");
            // Still open: a ping is answered, and a good message is taken.
            socket.send(Map.of("type", "ping"));
            await().atMost(WAIT).until(() -> socket.frames().stream().anyMatch(f -> f.path("type").asText().equals("pong")));
            socket.send(Map.of("type", "message", "content", "still here"));
            await().atMost(WAIT).until(() -> socket.frames().stream().anyMatch(f -> f.path("type").asText().equals("turn.accepted")
                    && f.at("/data/content").asText().equals("still here")));
            assertThat(socket.closeCode()).isNotDone();
        }
    }

    @Test
    void aWebSocketIsRefusedWithTheRightCloseCode() throws Exception {
        assertThat(closeOf(ws(cluster.a, session, "nag_nosuchkey_" + "A".repeat(43), ""))).isEqualTo(4401);
        assertThat(closeOf(cluster.a.replace("http://", "ws://") + "/ws/v1/sessions/" + session)).isEqualTo(4401);
        assertThat(closeOf(ws(cluster.a, session, revokedKey, ""))).isEqualTo(4401);
        assertThat(closeOf(ws(cluster.a, "s_doesnotexist", userKey, ""))).isEqualTo(4404);
        assertThat(closeOf(ws(cluster.a, othersSession, userKey, ""))).isEqualTo(4404);
        assertThat(closeOf(ws(cluster.a, session, userKey, "interface=NOT%20VALID"))).isEqualTo(1008);
        assertThat(closeOf(ws(cluster.a, endedSession, userKey, ""))).isEqualTo(1008);
        // A bad ?since still opens the socket, with an error frame after session.attached.
        try (WsClient socket = WsClient.connect(ws(cluster.a, session, userKey, "since=yesterday"))) {
            await().atMost(WAIT).until(() -> socket.frames().size() >= 2);
            assertThat(socket.frames().get(0).get("type").asText()).isEqualTo("session.attached");
            assertThat(errors(socket)).containsExactly("validation_failed");
        }
    }

    @Test
    void aFrameOverTheLimitClosesTheSocketWith1009() throws Exception {
        try (WsClient socket = WsClient.connect(ws(cluster.a, session, userKey, "interface=web"))) {
            await().atMost(WAIT).until(() -> !socket.frames().isEmpty());
            socket.sendRaw("{\"type\":\"message\",\"content\":\"" + "x".repeat(70_000) + "\"}");
            assertThat(socket.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        }
        // The same in one single frame.
        try (RawWebSocket socket = RawWebSocket.open(ws(cluster.a, session, userKey, "interface=web"), 0)) {
            assertThat(socket.read().text()).contains("session.attached");
            socket.sendText("{\"type\":\"message\",\"content\":\"" + "x".repeat(70_000) + "\"}");
            RawWebSocket.Frame frame = socket.read();
            while (!frame.isClose()) {
                frame = socket.read();
            }
            assertThat(frame.closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void aBurstOverTheBudgetGetsRateLimitedProblemsNeverA5xx() {
        String small = cluster.gateway("small-budget-c", RateLimitIT.SMALL);
        String key = cluster.newUserKey("u_bad_burst_" + System.nanoTime());
        int refused = 0;
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> response = Sender.exchange(HttpRequest.newBuilder(URI.create(small + "/api/v1/sessions"))
                    .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).build());
            if (response.statusCode() != 200) {
                assertProblem(response, 429, "rate_limited");
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
                refused++;
            }
        }
        assertThat(refused).isGreaterThanOrEqualTo(15);
    }

    private static int closeOf(String url) throws Exception {
        try (WsClient socket = WsClient.connect(url)) {
            return socket.closeCode().get(10, TimeUnit.SECONDS);
        }
    }

    static List<String> errors(WsClient socket) {
        return socket.frames().stream().filter(f -> f.path("type").asText().equals("error"))
                .map(f -> f.at("/data/code").asText()).toList();
    }
}
