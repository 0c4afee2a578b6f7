package io.nagatha.agent.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.agent.config.AgentConfig;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.MessageToolCall;
import io.nagatha.contracts.ToolCallResult;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.support.toolcall.ToolCallClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a turn's tool calls through the pool, all at once: shows each ({@code tool.call}), sends
 * them on the tool-calls stream with the turn's remaining time as their deadline, and shows each
 * result as it comes ({@code tool.result}). A call that cannot be made (an unknown or forbidden
 * tool, arguments that are not a JSON object) gets an error result without reaching the pool; a
 * tool's error is a result too: the model reads it, nothing crashes.
 */
@ApplicationScoped
public class ToolCalls {

    private final ToolCallClient client;
    private final AgentConfig config;

    ToolCalls(ToolCallClient client, AgentConfig config) {
        this.client = client;
        this.config = config;
    }

    /** A call to make: {@code server}/{@code tool} empty when the model named a tool it may not use. */
    record Planned(String server, String tool, String requestedName, String argumentsJson) {
    }

    /** A call made: what history keeps of it, and its result as text for the model. */
    record Done(MessageToolCall call, ToolCallResult result, String text) {

        Message asMessage(TurnRequest turn) {
            return new Message(Ids.message(), Message.TOOL, text, turn.interfaceType(), turn.turnId(), Instant.now(), null,
                    call.callId());
        }
    }

    /** Makes the calls in parallel; results in the order of {@code planned}. */
    List<Done> run(TurnWriter out, List<Planned> planned, Instant deadline) {
        TurnRequest turn = out.turn();
        List<MessageToolCall> calls = new ArrayList<>();
        List<CompletableFuture<ToolCallResult>> results = new ArrayList<>();
        for (Planned p : planned) {
            String callId = Ids.toolCall();
            JsonNode arguments = parse(p.argumentsJson());
            MessageToolCall call = new MessageToolCall(callId, p.server() == null ? "" : p.server(),
                    p.tool() == null ? p.requestedName() : p.tool(), arguments == null ? Json.object() : arguments);
            calls.add(call);
            out.write(Event.toolCall(turn.sessionId(), turn.turnId(), call));
            results.add(submit(turn, p, call, arguments, deadline));
        }
        ToolCallResult[] got = new ToolCallResult[calls.size()];
        int left = calls.size();
        while (left > 0) {
            for (int i = 0; i < got.length; i++) {
                if (got[i] == null && results.get(i).isDone()) {
                    got[i] = results.get(i).join();
                    left--;
                    out.write(Event.toolResult(turn.sessionId(), turn.turnId(), calls.get(i), got[i]));
                }
            }
            if (left > 0) {
                awaitAny(results, config.stopCheck());
                out.check(); // a stop or a lost lease does not wait for slow tools
            }
        }
        List<Done> done = new ArrayList<>();
        for (int i = 0; i < got.length; i++) {
            done.add(new Done(calls.get(i), got[i], asText(got[i], config.tools().maxResultChars())));
        }
        return done;
    }

    private CompletableFuture<ToolCallResult> submit(TurnRequest turn, Planned p, MessageToolCall call, JsonNode arguments,
            Instant deadline) {
        if (p.server() == null) {
            return CompletableFuture.completedFuture(ToolCallResult.failure(call.callId(), ErrorCodes.TOOL_NOT_FOUND,
                    "no tool named '" + p.requestedName() + "' is available to you", 0));
        }
        if (arguments == null || !arguments.isObject()) {
            return CompletableFuture.completedFuture(ToolCallResult.failure(call.callId(), ErrorCodes.VALIDATION_FAILED,
                    "the arguments must be a JSON object, got: " + shorten(p.argumentsJson(), 200), 0));
        }
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            return CompletableFuture.completedFuture(ToolCallResult.failure(call.callId(), ErrorCodes.UPSTREAM_TIMEOUT,
                    "the turn had no time left for this call", 0));
        }
        Duration timeout = left.compareTo(config.tools().timeout()) < 0 ? left : config.tools().timeout();
        return client.submit(call.callId(), p.server(), p.tool(), arguments, turn.sessionId(), turn.userId(), timeout);
    }

    private static void awaitAny(List<CompletableFuture<ToolCallResult>> results, Duration atMost) {
        try {
            CompletableFuture.anyOf(results.stream().filter(f -> !f.isDone()).toArray(CompletableFuture[]::new))
                    .get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // checked again by the caller's loop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopped while waiting for tools", e);
        }
    }

    private static JsonNode parse(String json) {
        if (json == null || json.isBlank()) {
            return Json.object();
        }
        try {
            return Json.decode(json, JsonNode.class);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The result as the model reads it: the text of the content blocks (other blocks as JSON),
     * marked when the tool reported an error or no answer came, cut to {@code max} characters.
     */
    static String asText(ToolCallResult result, int max) {
        String text;
        if (!result.ok()) {
            text = "Error (" + result.code() + "): " + result.error();
        } else {
            StringBuilder out = new StringBuilder();
            JsonNode content = result.content();
            if (content != null && content.isArray()) {
                for (JsonNode block : content) {
                    if (!out.isEmpty()) {
                        out.append('\n');
                    }
                    out.append("text".equals(block.path("type").asText()) ? block.path("text").asText() : Json.encode(block));
                }
            } else if (result.structuredContent() != null) {
                out.append(Json.encode(result.structuredContent()));
            }
            text = Boolean.TRUE.equals(result.isError()) ? "The tool reported an error: " + out : out.toString();
        }
        return shorten(text, max);
    }

    private static String shorten(String text, int max) {
        if (text == null) {
            return "";
        }
        return text.length() <= max ? text : text.substring(0, max) + "… (cut at " + max + " characters)";
    }
}
