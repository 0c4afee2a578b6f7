package io.nagatha.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nagatha.contracts.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Discord's REST API as far as Nagatha uses it, over real HTTP on loopback: interaction webhooks
 * (edit the original answer, follow-ups), channel messages and the typing indicator, and command
 * registration. Every request is recorded; {@link #failNext} makes the next requests fail the way
 * Discord does when it is overloaded.
 */
public final class FakeDiscord implements AutoCloseable {

    /** One request as it arrived: method, path (below {@code /api/v10}), the bot token header, and the JSON body. */
    public record Request(String method, String path, String authorization, JsonNode body) {

        public String content() {
            return body == null ? null : body.path("content").asText(null);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger(1000);
    private final AtomicInteger failures = new AtomicInteger();
    private volatile int failureStatus = 503;

    private FakeDiscord(HttpServer server) {
        this.server = server;
    }

    public static FakeDiscord start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeDiscord fake = new FakeDiscord(server);
            server.createContext("/", fake::handle);
            server.setExecutor(Executors.newCachedThreadPool());
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code nagatha.discord.api-base} points at. */
    public String apiBase() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v10";
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(Predicate<Request> filter) {
        return requests.stream().filter(filter).toList();
    }

    /** The next {@code count} requests are answered with {@code status} (and nothing recorded). */
    public void failNext(int count, int status) {
        failureStatus = status;
        failures.set(count);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply(exchange, failureStatus, "{\"message\":\"unavailable\",\"retry_after\":0.1,\"global\":false}");
                return;
            }
            String path = exchange.getRequestURI().getRawPath().replaceFirst("^/api/v\\d+", "");
            JsonNode body = raw.length == 0 ? null : Json.decode(new String(raw, StandardCharsets.UTF_8), JsonNode.class);
            requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("Authorization"), body));
            if (path.endsWith("/typing")) {
                exchange.sendResponseHeaders(204, -1);
                return;
            }
            if (body != null && body.isArray()) {
                // Command registration: Discord answers with the commands as stored, each with an id.
                body.forEach(command -> ((ObjectNode) command)
                        .put("id", String.valueOf(ids.incrementAndGet())));
                reply(exchange, 200, Json.encode(body));
                return;
            }
            String content = body == null ? "" : body.path("content").asText("");
            reply(exchange, 200, Json.encode(Json.object().put("id", String.valueOf(ids.incrementAndGet()))
                    .put("content", content)));
        }
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
