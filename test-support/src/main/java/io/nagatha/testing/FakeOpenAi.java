package io.nagatha.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nagatha.contracts.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An OpenAI-compatible chat-completions server that speaks the real wire protocol (JSON, and SSE
 * chunks ending with a usage chunk and {@code [DONE]}), answering with text a test chooses. It
 * stands in for the LLM provider, the one part of a turn that lives outside Nagatha.
 */
public final class FakeOpenAi implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private volatile Function<JsonNode, String> replies = FakeOpenAi::echoReply;

    private FakeOpenAi(HttpServer server) {
        this.server = server;
    }

    public static FakeOpenAi start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeOpenAi fake = new FakeOpenAi(server);
            server.createContext("/", fake::handle);
            server.setExecutor(fake.executor);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What to configure as the model's base URL. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Chooses the reply text from the request body. */
    public void replies(Function<JsonNode, String> replies) {
        this.replies = replies;
    }

    /**
     * Thrown from a reply function to answer with an HTTP error the way OpenAI does, e.g.
     * {@code new Refusal(429, "rate_limit_error", "Rate limit reached")}.
     */
    public static final class Refusal extends RuntimeException {
        private final int status;
        private final String type;

        public Refusal(int status, String type, String message) {
            super(message, null, false, false);
            this.status = status;
            this.type = type;
        }
    }

    /** Every chat-completions request received, in order, as parsed JSON. */
    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    /** The default reply: it repeats the last user message, so a test can tell turns apart. */
    public static String echoReply(JsonNode request) {
        return "Hello from the fake model. You said: " + lastUserMessage(request);
    }

    public static String lastUserMessage(JsonNode request) {
        String last = "";
        for (JsonNode message : request.path("messages")) {
            if ("user".equals(message.path("role").asText())) {
                last = message.path("content").asText();
            }
        }
        return last;
    }

    /** The pieces a reply is streamed in: words with their following space, as a tokenizer might. */
    public static List<String> chunks(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ') {
                out.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod()) || !exchange.getRequestURI().getPath().endsWith("/chat/completions")) {
                send(exchange, 404, "application/json", "{\"error\":{\"message\":\"no such route\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            JsonNode request = Json.MAPPER.readTree(exchange.getRequestBody());
            requests.add(request);
            String model = request.path("model").asText("fake-model");
            String reply;
            try {
                reply = replies.apply(request);
            } catch (Refusal refusal) {
                send(exchange, refusal.status, "application/json", Json.encode(Json.object().set("error",
                        Json.object().put("message", refusal.getMessage()).put("type", refusal.type))));
                return;
            }
            int promptTokens = countWords(request.path("messages"));
            List<String> chunks = chunks(reply);
            if (request.path("stream").asBoolean(false)) {
                stream(exchange, model, chunks, promptTokens);
            } else {
                send(exchange, 200, "application/json", Json.encode(completion(model, reply, promptTokens, chunks.size())));
            }
        }
    }

    private void stream(HttpExchange exchange, String model, List<String> chunks, int promptTokens) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        String id = "chatcmpl-fake-" + requests.size();
        for (int i = 0; i < chunks.size(); i++) {
            ObjectNode delta = Json.object().put("content", chunks.get(i));
            if (i == 0) {
                delta.put("role", "assistant");
            }
            event(out, chunk(id, model, delta, null));
        }
        event(out, chunk(id, model, Json.object(), "stop"));
        ObjectNode usage = chunkBase(id, model);
        usage.putArray("choices");
        usage.set("usage", usage(promptTokens, chunks.size()));
        event(out, usage);
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static ObjectNode chunk(String id, String model, ObjectNode delta, String finishReason) {
        ObjectNode chunk = chunkBase(id, model);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    private static ObjectNode chunkBase(String id, String model) {
        return Json.object().put("id", id).put("object", "chat.completion.chunk")
                .put("created", System.currentTimeMillis() / 1000).put("model", model);
    }

    private static ObjectNode completion(String model, String reply, int promptTokens, int completionTokens) {
        ObjectNode body = Json.object().put("id", "chatcmpl-fake").put("object", "chat.completion")
                .put("created", System.currentTimeMillis() / 1000).put("model", model);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", reply);
        body.set("usage", usage(promptTokens, completionTokens));
        return body;
    }

    private static ObjectNode usage(int prompt, int completion) {
        return Json.object().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    private static int countWords(JsonNode messages) {
        int words = 0;
        for (JsonNode message : messages) {
            String content = message.path("content").asText("").trim();
            words += content.isEmpty() ? 0 : content.split("\\s+").length;
        }
        return words;
    }

    private static void event(OutputStream out, JsonNode data) throws IOException {
        out.write(("data: " + Json.encode(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
