package io.nagatha.agent;

import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.ToolCallRequest;
import io.nagatha.contracts.ToolCallResult;
import io.nagatha.contracts.ToolCallStream;
import io.nagatha.contracts.ToolInfo;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The pool's side of the tool-calls stream for the agent's own tests: it publishes a catalogue and
 * answers each call with what {@code answer} returns (null: never answers, as a hung server would).
 * The system tests use the real pool-service with server-everything instead.
 */
public final class FakePool implements AutoCloseable {

    private final RedisDataSource redis;
    private final List<ToolCallRequest> calls = new CopyOnWriteArrayList<>();
    private volatile Function<ToolCallRequest, ToolCallResult> answer;
    private volatile boolean running = true;
    private final Thread reader;

    public FakePool(RedisDataSource redis, RedisDataSource streams) {
        this.redis = redis;
        this.answer = call -> ToolCallResult.success(call.callId(),
                Json.MAPPER.createArrayNode().add(Json.object().put("type", "text").put("text", "ok")), false, null, 1);
        try {
            redis.stream(String.class).xgroupCreate(Keys.TOOL_CALLS, Keys.TOOL_CALLS_GROUP, "$", new XGroupCreateArgs().mkstream());
        } catch (RuntimeException busy) {
            // the group exists from an earlier test class
        }
        this.reader = new Thread(() -> streams.withConnection(c -> {
            while (running) {
                List<StreamMessage<String, String, String>> entries = c.stream(String.class).xreadgroup(Keys.TOOL_CALLS_GROUP,
                        "fake-pool", Keys.TOOL_CALLS, ">", new XReadGroupArgs().count(16).block(Duration.ofMillis(200)));
                for (StreamMessage<String, String, String> entry : entries) {
                    ToolCallRequest call = Json.decode(entry.payload().get(ToolCallStream.CALL), ToolCallRequest.class);
                    calls.add(call);
                    ToolCallResult result = answer.apply(call);
                    if (result != null) {
                        c.stream(String.class).xadd(call.replyTo(), Map.of(ToolCallStream.RESULT, Json.encode(result)));
                    }
                    c.stream(String.class).xack(Keys.TOOL_CALLS, Keys.TOOL_CALLS_GROUP, entry.id());
                }
            }
        }), "fake-pool");
        reader.setDaemon(true);
        reader.start();
    }

    /** Puts tools in the catalogue as the pool does ({@code server/tool} → {@link ToolInfo}). */
    public FakePool tools(ToolInfo... tools) {
        for (ToolInfo tool : tools) {
            redis.hash(String.class).hset(Keys.TOOL_CATALOGUE, tool.qualifiedName(), Json.encode(tool));
        }
        return this;
    }

    public void answer(Function<ToolCallRequest, ToolCallResult> answer) {
        this.answer = answer;
    }

    /** A text result, as server-everything's tools give. */
    public static ToolCallResult text(ToolCallRequest call, String text) {
        return ToolCallResult.success(call.callId(),
                Json.MAPPER.createArrayNode().add(Json.object().put("type", "text").put("text", text)), false, null, 3);
    }

    public List<ToolCallRequest> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void close() {
        running = false;
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        redis.key().del(Keys.TOOL_CATALOGUE);
    }
}
