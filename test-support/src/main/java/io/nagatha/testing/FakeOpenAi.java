package io.nagatha.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nagatha.contracts.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An OpenAI-compatible chat-completions server that speaks the real wire protocol (JSON, and SSE
 * chunks ending with a usage chunk and {@code [DONE]}). It stands in for the LLM provider, the one
 * part of a turn that lives outside Nagatha, and can misbehave the way providers do: ask for tools,
 * answer with an HTTP error and {@code Retry-After}, hold the headers back, go silent after the
 * headers, cut the body off, or stream slowly. It notices when the client closes a stream before
 * the end ({@link #closedEarly()}), which is how a test sees that a cancel really reached the wire.
 */
public final class FakeOpenAi implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<Integer> closedEarly = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Map<Integer, Long> servedNanos = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Function<JsonNode, Reply> script = request -> Reply.text(echoReply(request));

    private FakeOpenAi(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static FakeOpenAi start() {
        Vertx vertx = Vertx.vertx();
        FakeOpenAi[] self = new FakeOpenAi[1];
        HttpServer server = vertx.createHttpServer().requestHandler(request -> self[0].handle(request));
        self[0] = new FakeOpenAi(vertx, server);
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("the fake model server did not start", e);
        }
        return self[0];
    }

    /** What to configure as the model's base URL. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    /** Answers every request with the text {@code replies} chooses from the request body. */
    public void replies(Function<JsonNode, String> replies) {
        this.script = request -> Reply.text(replies.apply(request));
    }

    /** Answers every request with the {@link Reply} {@code script} chooses from the request body. */
    public void script(Function<JsonNode, Reply> script) {
        this.script = script;
    }

    /** Back to the default: every request is answered with {@link #echoReply}. */
    public void reset() {
        replies(FakeOpenAi::echoReply);
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

    /** Indexes (into {@link #requests()}) of the streams the client closed before they ended. */
    public List<Integer> closedEarly() {
        return List.copyOf(closedEarly);
    }

    /** How long the request with this index took, from its arrival to the end of its answer; null while unanswered. */
    public Long servedNanos(int index) {
        return servedNanos.get(index);
    }

    /** The most requests that were being answered at the same moment (since {@link #resetInFlight}). */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** Starts counting {@link #maxInFlight} afresh. */
    public void resetInFlight() {
        maxInFlight.set(inFlight.get());
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

    /** The {@code role: tool} messages of a request, in order: what the tools answered. */
    public static List<JsonNode> toolResults(JsonNode request) {
        List<JsonNode> results = new ArrayList<>();
        request.path("messages").forEach(m -> {
            if ("tool".equals(m.path("role").asText())) {
                results.add(m);
            }
        });
        return results;
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

    /** A tool call the model asks for; {@code arguments} is the JSON text of its arguments. */
    public record ToolCall(String id, String name, String arguments) {
    }

    /** How one request is answered: a streamed text, tool calls, or an HTTP error, and how it misbehaves. */
    public static final class Reply {
        private int status = 200;
        private String errorType;
        private String errorMessage;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private List<String> chunks = List.of();
        private List<ToolCall> toolCalls = List.of();
        private Duration headerDelay = Duration.ZERO;
        private Duration chunkDelay = Duration.ZERO;
        private CompletionStage<?> gate;
        private int cutAfter = -1;
        private int endAfter = -1;
        private int silentAfter = -1;
        private boolean usage = true;
        private int promptTokens = -1;

        private Reply() {
        }

        /** A text streamed in {@link #chunks word pieces}, finishing with {@code stop}. */
        public static Reply text(String text) {
            return chunks(FakeOpenAi.chunks(text));
        }

        /** A text streamed in exactly these pieces. */
        public static Reply chunks(List<String> pieces) {
            Reply reply = new Reply();
            reply.chunks = List.copyOf(pieces);
            return reply;
        }

        /** A round that asks for these tools (their arguments streamed in pieces), finishing with {@code tool_calls}. */
        public static Reply toolCalls(ToolCall... calls) {
            Reply reply = new Reply();
            reply.toolCalls = List.of(calls);
            return reply;
        }

        /** An HTTP error with an OpenAI error body, e.g. {@code error(429, "rate_limit_error", "slow down")}. */
        public static Reply error(int status, String type, String message) {
            Reply reply = new Reply();
            reply.status = status;
            reply.errorType = type;
            reply.errorMessage = message;
            return reply;
        }

        /** Text before the tool calls of the same round (some models say what they are about to do). */
        public Reply withText(String text) {
            this.chunks = FakeOpenAi.chunks(text);
            return this;
        }

        public Reply header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Holds the response headers back this long (a model slow to start answering). */
        public Reply headerDelay(Duration delay) {
            this.headerDelay = delay;
            return this;
        }

        /** Waits this long between chunks. */
        public Reply chunkDelay(Duration delay) {
            this.chunkDelay = delay;
            return this;
        }

        /** Sends nothing, not even headers, until {@code gate} completes. */
        public Reply after(CompletionStage<?> gate) {
            this.gate = gate;
            return this;
        }

        /** Closes the connection after {@code n} content chunks: no finish reason, no usage, no [DONE]. */
        public Reply cutAfter(int n) {
            this.cutAfter = n;
            return this;
        }

        /** Ends the response normally after {@code n} content chunks, but with no finish reason, usage or [DONE]. */
        public Reply endAfter(int n) {
            this.endAfter = n;
            return this;
        }

        /** After {@code n} content chunks sends nothing more and keeps the connection open. */
        public Reply silentAfter(int n) {
            this.silentAfter = n;
            return this;
        }

        /** Ends the stream without the usage chunk some servers leave out. */
        public Reply withoutUsage() {
            this.usage = false;
            return this;
        }

        /** The prompt token count to report (default: the words of the request's messages). */
        public Reply promptTokens(int tokens) {
            this.promptTokens = tokens;
            return this;
        }
    }

    private void handle(HttpServerRequest request) {
        if (request.method() != io.vertx.core.http.HttpMethod.POST || !request.path().endsWith("/chat/completions")) {
            request.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                    .end("{\"error\":{\"message\":\"no such route\",\"type\":\"invalid_request_error\"}}");
            return;
        }
        request.body().onSuccess(body -> {
            JsonNode json = Json.decode(body.toString(), JsonNode.class);
            requests.add(json);
            int index = requests.size() - 1;
            Reply reply;
            try {
                reply = script.apply(json);
            } catch (Refusal refusal) {
                reply = Reply.error(refusal.status, refusal.type, refusal.getMessage());
            }
            Reply chosen = reply;
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            new Answer(request.response(), json, index, chosen).start();
        });
    }

    /** One response being written, step by step on the event loop, so slow streams block nothing. */
    private final class Answer {
        private final HttpServerResponse response;
        private final JsonNode request;
        private final int index;
        private final Reply reply;
        private final String id;
        private final String model;
        private final long arrived = System.nanoTime();
        private boolean done;

        Answer(HttpServerResponse response, JsonNode request, int index, Reply reply) {
            this.response = response;
            this.request = request;
            this.index = index;
            this.reply = reply;
            this.id = "chatcmpl-fake-" + index;
            this.model = request.path("model").asText("fake-model");
            response.closeHandler(v -> {
                if (!done) {
                    closedEarly.add(index);
                    finished();
                }
            });
        }

        void start() {
            if (reply.gate != null) {
                reply.gate.whenComplete((v, e) -> vertx.runOnContext(x -> later(reply.headerDelay, this::begin)));
            } else {
                later(reply.headerDelay, this::begin);
            }
        }

        private void begin() {
            if (done) {
                return;
            }
            reply.headers.forEach(response::putHeader);
            if (reply.status != 200) {
                ObjectNode error = Json.object();
                error.putObject("error").put("message", reply.errorMessage).put("type", reply.errorType);
                response.setStatusCode(reply.status).putHeader("Content-Type", "application/json");
                end(Json.encode(error));
                return;
            }
            int promptTokens = reply.promptTokens >= 0 ? reply.promptTokens : countWords(request.path("messages"));
            if (!request.path("stream").asBoolean(false)) {
                String text = String.join("", reply.chunks);
                response.putHeader("Content-Type", "application/json");
                end(Json.encode(completion(text, promptTokens, reply.chunks.size())));
                return;
            }
            response.setChunked(true).putHeader("Content-Type", "text/event-stream");
            List<JsonNode> events = new ArrayList<>();
            for (int i = 0; i < reply.chunks.size(); i++) {
                ObjectNode delta = Json.object().put("content", reply.chunks.get(i));
                if (i == 0) {
                    delta.put("role", "assistant");
                }
                events.add(chunk(delta, null));
            }
            for (int i = 0; i < reply.toolCalls.size(); i++) {
                events.addAll(toolCallChunks(i, reply.toolCalls.get(i)));
            }
            int content = events.size();
            events.add(chunk(Json.object(), reply.toolCalls.isEmpty() ? "stop" : "tool_calls"));
            if (reply.usage) {
                ObjectNode usage = chunkBase();
                usage.putArray("choices");
                usage.set("usage", usage(promptTokens, reply.chunks.size() + reply.toolCalls.size()));
                events.add(usage);
            }
            send(events, 0, content);
        }

        /** Writes events from {@code from} on: back to back while there is no pause (a loop, so a long reply cannot overflow the stack). */
        private void send(List<JsonNode> events, int from, int content) {
            for (int next = from; !done; next++) {
                if (next == reply.cutAfter) {
                    done = true;
                    finished();
                    response.reset(); // the connection drops mid-body: no finish reason, no [DONE]
                    return;
                }
                if (next == reply.endAfter) {
                    end("");
                    return;
                }
                if (next == reply.silentAfter) {
                    return; // headers (and maybe some chunks) sent; now nothing, until the client gives up
                }
                if (next == events.size()) {
                    end("data: [DONE]\n\n");
                    return;
                }
                response.write("data: " + Json.encode(events.get(next)) + "\n\n");
                Duration pause = next < content ? reply.chunkDelay : Duration.ZERO;
                if (!pause.isZero()) {
                    int after = next + 1;
                    vertx.setTimer(pause.toMillis(), t -> send(events, after, content));
                    return;
                }
            }
        }

        private void end(String last) {
            done = true;
            finished();
            response.end(last);
        }

        private void finished() {
            inFlight.decrementAndGet();
            servedNanos.put(index, System.nanoTime() - arrived);
        }

        private void later(Duration delay, Runnable step) {
            if (delay.isZero()) {
                step.run();
            } else {
                vertx.setTimer(delay.toMillis(), t -> step.run());
            }
        }

        private List<JsonNode> toolCallChunks(int position, ToolCall call) {
            List<JsonNode> out = new ArrayList<>();
            ObjectNode first = Json.object();
            ObjectNode head = first.putArray("tool_calls").addObject().put("index", position).put("id", call.id()).put("type", "function");
            head.putObject("function").put("name", call.name()).put("arguments", "");
            out.add(chunk(first, null));
            // Arguments arrive in pieces, as real providers send them.
            String args = call.arguments();
            int step = Math.max(1, args.length() / 3);
            for (int at = 0; at < args.length(); at += step) {
                ObjectNode delta = Json.object();
                ArrayNode calls = delta.putArray("tool_calls");
                calls.addObject().put("index", position).putObject("function")
                        .put("arguments", args.substring(at, Math.min(args.length(), at + step)));
                out.add(chunk(delta, null));
            }
            return out;
        }

        private ObjectNode chunk(ObjectNode delta, String finishReason) {
            ObjectNode chunk = chunkBase();
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            choice.set("delta", delta);
            if (finishReason == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finishReason);
            }
            return chunk;
        }

        private ObjectNode chunkBase() {
            return Json.object().put("id", id).put("object", "chat.completion.chunk")
                    .put("created", System.currentTimeMillis() / 1000).put("model", model);
        }

        private ObjectNode completion(String text, int promptTokens, int completionTokens) {
            ObjectNode body = Json.object().put("id", id).put("object", "chat.completion")
                    .put("created", System.currentTimeMillis() / 1000).put("model", model);
            ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
            choice.putObject("message").put("role", "assistant").put("content", text);
            body.set("usage", usage(promptTokens, completionTokens));
            return body;
        }
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

    /** A future a test completes to let a held reply ({@link Reply#after}) go on. */
    public static CompletableFuture<Void> gate() {
        return new CompletableFuture<>();
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
    }
}
