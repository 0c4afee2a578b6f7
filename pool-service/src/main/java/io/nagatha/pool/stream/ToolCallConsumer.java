package io.nagatha.pool.stream;

import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.ToolCallRequest;
import io.nagatha.contracts.ToolCallResult;
import io.nagatha.contracts.ToolCallStream;
import io.nagatha.pool.config.PoolConfig;
import io.nagatha.pool.service.McpPool;
import io.nagatha.support.config.ToolCallsConfig;
import io.nagatha.support.heartbeat.ReplicaIdentity;
import io.nagatha.support.redis.LuaScript;
import io.nagatha.support.redis.PendingEntries;
import io.nagatha.support.redis.StreamGroups;
import io.nagatha.support.redis.StreamLoop;
import io.nagatha.support.redis.WorkerSlots;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Takes tool calls from the tool-calls stream through the {@code pool} consumer group (any replica
 * may take any call) and answers each exactly once on its caller's reply stream. A call is
 * acknowledged only after its answer is written; a replica that dies leaves its calls pending, and
 * a live one takes them over (XAUTOCLAIM) once they have been silent for {@code reclaim-idle}. A
 * call whose deadline has passed is answered {@code upstream_timeout} without being run.
 */
@ApplicationScoped
public class ToolCallConsumer {

    private static final Logger LOG = Logger.getLogger(ToolCallConsumer.class);
    private static final LuaScript REPLY = LuaScript.fromResource("lua/tool-reply.lua");

    private final RedisDataSource redis;
    private final RedisDataSource streams;
    private final McpPool pool;
    private final PoolConfig.Consumer config;
    private final ToolCallsConfig calls;
    private final String consumer;
    private WorkerSlots workers;
    private ScheduledExecutorService refresher;
    private StreamLoop reader;
    private final PendingEntries pending;
    private long nextTakeOver; // touched by the reader thread only

    ToolCallConsumer(RedisDataSource redis, @RedisClientName("streams") RedisDataSource streams, McpPool pool,
            PoolConfig config, ToolCallsConfig calls, ReplicaIdentity replica) {
        this.redis = redis;
        this.streams = streams;
        this.pool = pool;
        this.config = config.consumer();
        this.calls = calls;
        this.consumer = replica.id();
        this.pending = new PendingEntries(Keys.TOOL_CALLS, Keys.TOOL_CALLS_GROUP, consumer);
    }

    void onStart(@Observes StartupEvent event) {
        // Created at start so calls queued before any pool replica reads them are kept for it.
        StreamGroups.ensureAtStart(redis, Keys.TOOL_CALLS, Keys.TOOL_CALLS_GROUP);
        workers = new WorkerSlots("tool-call", config.concurrency());
        reader = StreamLoop.start("tool-call-reader", streams, this::readOnce);
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tool-call-refresh");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, TimeUnit.NANOSECONDS.toMillis(takeOverEvery()));
        refresher.scheduleWithFixedDelay(this::refreshRunning, every, every, TimeUnit.MILLISECONDS);
    }

    /** Before the pool closes its connections (default priority), so running calls can finish. */
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        refresher.shutdownNow();
        reader.stop(config.readBlock().plusSeconds(1));
        // What still runs after the grace stays pending on the stream and another replica answers it.
        workers.shutdown(Duration.ofSeconds(10));
    }

    public boolean isReading() {
        return reader != null && reader.isRunning();
    }

    /**
     * One round of the reader, for as many calls as there are free workers: first calls that a
     * silent replica left pending (at most every third of the reclaim time), then one blocking read
     * of new calls. Both run here, on the reader's own connection, because only the reader holds
     * free workers; a separate job would rarely find one free.
     */
    private void readOnce(RedisDataSource connection) {
        int free = workers.acquireSome(config.readBlock());
        if (free == 0) {
            return;
        }
        int handedOff = 0;
        try {
            if (System.nanoTime() >= nextTakeOver) {
                nextTakeOver = System.nanoTime() + takeOverEvery();
                for (StreamMessage<String, String, String> entry : pending.takeOver(connection, config.reclaimIdle(), free)) {
                    LOG.infof("taking over tool-call entry %s from a replica that stopped answering", entry.id());
                    dispatch(entry, true);
                    handedOff++;
                }
            }
            if (handedOff < free) {
                List<StreamMessage<String, String, String>> entries = connection.stream(String.class).xreadgroup(
                        Keys.TOOL_CALLS_GROUP, consumer, Keys.TOOL_CALLS, ">",
                        new XReadGroupArgs().count(free - handedOff).block(config.readBlock()));
                for (StreamMessage<String, String, String> entry : entries) {
                    dispatch(entry, false);
                    handedOff++;
                }
            }
        } catch (RuntimeException e) {
            if (!StreamGroups.isMissingGroup(e)) {
                throw e;
            }
            StreamGroups.ensure(connection, Keys.TOOL_CALLS, Keys.TOOL_CALLS_GROUP);
        } finally {
            workers.release(free - handedOff);
        }
    }

    private void dispatch(StreamMessage<String, String, String> entry, boolean redelivered) {
        workers.dispatch(entry.id(), id -> handle(entry, redelivered));
    }

    /** {@code redelivered}: taken over from another replica, so it may have been answered already. */
    private void handle(StreamMessage<String, String, String> entry, boolean redelivered) {
        ToolCallRequest request;
        try {
            request = decode(entry);
        } catch (IllegalArgumentException poison) {
            LOG.errorf("tool-call entry %s is unreadable (%s): moved to %s", entry.id(), poison.getMessage(),
                    Keys.TOOL_CALLS_DEAD_LETTER);
            pending.deadLetter(redis, Keys.TOOL_CALLS_DEAD_LETTER, entry, poison.getMessage());
            return;
        }
        try {
            if (redelivered && redis.key(String.class).exists(Keys.toolCallDone(request.replyTo(), request.callId()))) {
                pending.acknowledge(redis, entry.id()); // answered by a replica that died before acknowledging
                return;
            }
            boolean expired = request.deadline().isBefore(Instant.now());
            ToolCallResult result = expired
                    ? ToolCallResult.failure(request.callId(), ErrorCodes.UPSTREAM_TIMEOUT,
                            "the call's deadline passed before it could run", 0)
                    : pool.call(request);
            boolean answered = reply(request, result);
            pending.acknowledge(redis, entry.id());
            if (answered && !expired) {
                // After the answer (nobody waits for bookkeeping), and only by the run whose answer counted.
                pool.recordUsage(request, result);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "tool call %s could not be answered; it stays pending and will be retried", request.callId());
        }
    }

    private static ToolCallRequest decode(StreamMessage<String, String, String> entry) {
        String json = entry.payload().get(ToolCallStream.CALL);
        if (json == null) {
            throw new IllegalArgumentException("no '" + ToolCallStream.CALL + "' field");
        }
        ToolCallRequest request = Json.decode(json, ToolCallRequest.class);
        if (request.callId() == null || request.server() == null || request.tool() == null || request.deadline() == null
                || !Keys.isToolReplies(request.replyTo())) {
            throw new IllegalArgumentException("callId, server, tool, deadline and a valid replyTo are required");
        }
        return request;
    }

    /** True when this answer was the call's first (a re-delivered call's second run changes nothing). */
    private boolean reply(ToolCallRequest request, ToolCallResult result) {
        return REPLY.run(redis, List.of(Keys.toolCallDone(request.replyTo(), request.callId()), request.replyTo()),
                List.of(Long.toString(calls.replyTtl().toMillis()), Long.toString(calls.replyMaxLen()), ToolCallStream.RESULT,
                        Json.encode(result))).toInteger() == 1;
    }

    /** Refreshing and taking over both run every third of the reclaim time, so a live call is never taken. */
    private long takeOverEvery() {
        return config.reclaimIdle().dividedBy(3).toNanos();
    }

    /** Keeps this replica's running calls fresh, so no other replica takes them over. */
    private void refreshRunning() {
        try {
            pending.refresh(redis, workers.inFlight());
        } catch (RuntimeException e) {
            LOG.warnf("refreshing running tool calls failed: %s", e.getMessage());
        }
    }
}
