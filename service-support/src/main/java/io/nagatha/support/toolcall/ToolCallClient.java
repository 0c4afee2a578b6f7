package io.nagatha.support.toolcall;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.ToolCallRequest;
import io.nagatha.contracts.ToolCallResult;
import io.nagatha.contracts.ToolCallStream;
import io.nagatha.support.config.ToolCallsConfig;
import io.nagatha.support.heartbeat.ReplicaIdentity;
import io.nagatha.support.redis.StreamLoop;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XReadArgs;
import io.vertx.mutiny.redis.client.Response;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Calls a tool through the pool: puts the call on the tool-calls stream and waits for its answer on
 * this replica's own reply stream. One reader thread (on a dedicated connection, see
 * {@link StreamLoop}) serves every waiting call of the replica, so a thousand calls in flight cost
 * one blocked connection, not a thousand. Every call completes exactly once: with the pool's answer,
 * or with {@code upstream_timeout} when none came by the deadline plus a grace period.
 */
@ApplicationScoped
public class ToolCallClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ToolCallClient.class);

    private final RedisDataSource redis;
    private final RedisDataSource streams;
    private final ToolCallsConfig config;
    private final String replyStream;
    private final Map<String, CompletableFuture<ToolCallResult>> waiting = new ConcurrentHashMap<>();
    private volatile StreamLoop reader;
    private String lastReplyId;

    @Inject
    ToolCallClient(RedisDataSource redis, @RedisClientName("streams") RedisDataSource streams, ToolCallsConfig config,
            ReplicaIdentity replica) {
        this(redis, streams, config, replica.service() + "-" + replica.id());
    }

    /** For callers outside CDI (tests, tools): {@code callerId} names the reply stream. */
    public ToolCallClient(RedisDataSource redis, RedisDataSource streams, ToolCallsConfig config, String callerId) {
        this.redis = redis;
        this.streams = streams;
        this.config = config;
        this.replyStream = Keys.toolReplies(callerId);
    }

    /** Calls {@code server/tool} and waits for its one result. */
    public ToolCallResult call(String server, String tool, JsonNode arguments, String sessionId, String userId,
            Duration timeout) {
        return submit(server, tool, arguments, sessionId, userId, timeout).join();
    }

    /** Queues the call; the future completes exactly once, never exceptionally. */
    public CompletableFuture<ToolCallResult> submit(String server, String tool, JsonNode arguments, String sessionId,
            String userId, Duration timeout) {
        return submit(Ids.toolCall(), server, tool, arguments, sessionId, userId, timeout);
    }

    /**
     * {@link #submit(String, String, JsonNode, String, String, Duration)} with the caller's own call
     * id, for callers that show the call (a {@code tool.call} event) before they make it.
     */
    public CompletableFuture<ToolCallResult> submit(String callId, String server, String tool, JsonNode arguments,
            String sessionId, String userId, Duration timeout) {
        if (reader == null) { // the lock only until the reader runs, not on every call
            startReader();
        }
        Duration budget = timeout == null ? config.defaultDeadline() : timeout;
        ToolCallRequest request = new ToolCallRequest(callId, server, tool, arguments, sessionId,
                userId, Instant.now().plus(budget), replyStream);
        CompletableFuture<ToolCallResult> reply = new CompletableFuture<>();
        waiting.put(request.callId(), reply);
        long started = System.nanoTime();
        try {
            redis.stream(String.class).xadd(Keys.TOOL_CALLS,
                    new XAddArgs().maxlen(config.streamMaxLen()).nearlyExactTrimming(),
                    Map.of(ToolCallStream.CALL, Json.encode(request)));
        } catch (RuntimeException e) {
            waiting.remove(request.callId());
            return CompletableFuture.completedFuture(ToolCallResult.failure(request.callId(), ErrorCodes.UNAVAILABLE,
                    "the tool-calls stream is unreachable: " + e.getMessage(), 0));
        }
        long waitMs = budget.plus(config.replyGrace()).toMillis();
        return reply.completeOnTimeout(null, waitMs, TimeUnit.MILLISECONDS).thenApply(result -> {
            waiting.remove(request.callId());
            return result != null ? result
                    : ToolCallResult.failure(request.callId(), ErrorCodes.UPSTREAM_TIMEOUT,
                            "no answer from the pool within " + budget.toMillis() + " ms",
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        });
    }

    private synchronized void startReader() {
        if (reader != null) {
            return;
        }
        // Replies after the newest one there now are ours (a restarted caller's old replies are not).
        // Taken from Redis rather than this machine's clock, whose skew could hide a reply.
        Response newest = redis.execute("XREVRANGE", replyStream, "+", "-", "COUNT", "1");
        lastReplyId = newest == null || newest.size() == 0 ? "0-0" : newest.get(0).get(0).toString();
        reader = StreamLoop.start("tool-replies", streams, this::readReplies);
    }

    private void readReplies(RedisDataSource connection) {
        List<StreamMessage<String, String, String>> entries = connection.stream(String.class).xread(replyStream,
                lastReplyId, new XReadArgs().count(256).block(config.replyReadBlock()));
        for (StreamMessage<String, String, String> entry : entries) {
            lastReplyId = entry.id();
            String json = entry.payload().get(ToolCallStream.RESULT);
            try {
                ToolCallResult result = Json.decode(json, ToolCallResult.class);
                CompletableFuture<ToolCallResult> reply = waiting.get(result.callId());
                if (reply != null) {
                    reply.complete(result);
                }
            } catch (IllegalArgumentException e) {
                LOG.warnf("unreadable reply %s on %s: %s", entry.id(), replyStream, e.getMessage());
            }
        }
    }

    @PreDestroy
    @Override
    public synchronized void close() {
        if (reader != null) {
            reader.stop(config.replyReadBlock().plusSeconds(1));
            reader = null;
        }
    }
}
