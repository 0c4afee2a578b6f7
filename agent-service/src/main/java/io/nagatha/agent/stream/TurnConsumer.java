package io.nagatha.agent.stream;

import io.nagatha.agent.config.AgentConfig;
import io.nagatha.agent.service.TurnProcessor;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.StreamFields;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.support.heartbeat.ReplicaIdentity;
import io.nagatha.support.redis.StreamGroups;
import io.nagatha.support.redis.StreamLoop;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Takes turns from the turns stream through the {@code agents} consumer group and runs them on a
 * bounded pool of workers. An entry is acknowledged only after its outcome is written; one whose
 * replica died stays pending and is claimed by a live replica once it has been idle long enough.
 */
@ApplicationScoped
public class TurnConsumer {

    private static final Logger LOG = Logger.getLogger(TurnConsumer.class);
    private static final long DEAD_LETTER_MAX_LEN = 10_000;

    private final RedisDataSource redis;
    private final RedisDataSource streams;
    private final TurnProcessor processor;
    private final AgentConfig config;
    private final String consumer;
    private final Scheduler scheduler;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    private Semaphore slots;
    private ExecutorService workers;
    private StreamLoop reader;
    private String reclaimCursor = "0-0";

    TurnConsumer(RedisDataSource redis, @RedisClientName("streams") RedisDataSource streams, TurnProcessor processor,
            AgentConfig config, ReplicaIdentity replica, Scheduler scheduler) {
        this.redis = redis;
        this.streams = streams;
        this.processor = processor;
        this.config = config;
        this.consumer = replica.id();
        this.scheduler = scheduler;
    }

    void onStart(@Observes StartupEvent event) {
        try {
            StreamGroups.ensure(redis, Keys.TURNS, Keys.TURNS_GROUP);
        } catch (RuntimeException e) {
            LOG.warnf("could not create the %s group yet (is Redis up?); the reader retries: %s", Keys.TURNS_GROUP, e.getMessage());
        }
        slots = new Semaphore(config.concurrency());
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(config.concurrency(), r -> new Thread(r, "turn-worker-" + n.incrementAndGet()));
        reader = StreamLoop.start("turn-reader", streams, this::readOnce);
        scheduler.newJob("turn-reclaim")
                .setInterval(config.reclaimIdle().dividedBy(3).toString())
                .setConcurrentExecution(ConcurrentExecution.SKIP)
                .setTask(execution -> maintain())
                .schedule();
    }

    void onStop(@Observes ShutdownEvent event) {
        reader.stop(config.readBlock().plusSeconds(1));
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                // What is still running stays pending on the stream and another replica finishes it.
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isReading() {
        return reader != null && reader.isRunning();
    }

    public int inFlight() {
        return inFlight.size();
    }

    /** One blocking read, only when a worker is free, so waiting turns go to replicas with room. */
    private void readOnce(RedisDataSource connection) {
        if (!acquire(config.readBlock())) {
            return;
        }
        boolean handedOff = false;
        try {
            List<StreamMessage<String, String, String>> entries = connection.stream(String.class).xreadgroup(
                    Keys.TURNS_GROUP, consumer, Keys.TURNS, ">", new XReadGroupArgs().count(1).block(config.readBlock()));
            for (StreamMessage<String, String, String> entry : entries) {
                dispatch(entry);
                handedOff = true;
            }
        } catch (RuntimeException e) {
            if (!StreamGroups.isMissingGroup(e)) {
                throw e;
            }
            StreamGroups.ensure(connection, Keys.TURNS, Keys.TURNS_GROUP);
        } finally {
            if (!handedOff) {
                slots.release();
            }
        }
    }

    /** Runs an entry on a worker; the caller holds one slot, which the worker gives back. */
    private void dispatch(StreamMessage<String, String, String> entry) {
        inFlight.add(entry.id());
        workers.execute(() -> {
            try {
                handle(entry);
            } finally {
                inFlight.remove(entry.id());
                slots.release();
            }
        });
    }

    private void handle(StreamMessage<String, String, String> entry) {
        TurnRequest turn;
        try {
            turn = decode(entry);
        } catch (IllegalArgumentException poison) {
            LOG.errorf("turn entry %s is unreadable (%s): moved to %s", entry.id(), poison.getMessage(), Keys.TURNS_DEAD_LETTER);
            Map<String, String> dead = new HashMap<>(entry.payload());
            dead.put("entryId", entry.id());
            dead.put("reason", String.valueOf(poison.getMessage()));
            redis.stream(String.class).xadd(Keys.TURNS_DEAD_LETTER, new XAddArgs().maxlen(DEAD_LETTER_MAX_LEN).nearlyExactTrimming(), dead);
            acknowledge(entry.id());
            return;
        }
        try {
            processor.run(turn);
            acknowledge(entry.id());
        } catch (RuntimeException e) {
            LOG.errorf(e, "turn %s of session %s could not be finished; it stays pending and will be retried",
                    turn.turnId(), turn.sessionId());
        }
    }

    private static TurnRequest decode(StreamMessage<String, String, String> entry) {
        String json = entry.payload().get(StreamFields.TURN);
        if (json == null) {
            throw new IllegalArgumentException("no '" + StreamFields.TURN + "' field");
        }
        TurnRequest turn = Json.decode(json, TurnRequest.class);
        if (!Ids.isValid(turn.sessionId()) || !Ids.isValid(turn.turnId()) || turn.content() == null) {
            throw new IllegalArgumentException("sessionId, turnId and content are required");
        }
        return turn;
    }

    /** Acknowledges and deletes the entry: the stream then holds only turns waiting or running. */
    private void acknowledge(String entryId) {
        redis.stream(String.class).xack(Keys.TURNS, Keys.TURNS_GROUP, entryId);
        redis.stream(String.class).xdel(Keys.TURNS, entryId);
    }

    /**
     * Keeps this replica's running turns fresh (so nobody takes them over), then takes over turns
     * whose replica has been silent for longer than the reclaim time.
     */
    void maintain() {
        try {
            refreshRunning();
            takeOverSilentTurns();
        } catch (RuntimeException e) {
            if (StreamGroups.isMissingGroup(e)) {
                StreamGroups.ensure(redis, Keys.TURNS, Keys.TURNS_GROUP);
            } else {
                LOG.warnf("reclaiming pending turns failed: %s", e.getMessage());
            }
        }
    }

    private void refreshRunning() {
        List<String> running = new ArrayList<>(inFlight);
        if (running.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of(Keys.TURNS, Keys.TURNS_GROUP, consumer, "0"));
        args.addAll(running);
        args.add("JUSTID");
        redis.execute("XCLAIM", args.toArray(String[]::new));
    }

    private void takeOverSilentTurns() {
        int free = slots.availablePermits();
        if (free == 0 || !slots.tryAcquire(free)) {
            return;
        }
        int handedOff = 0;
        try {
            ClaimedMessages<String, String, String> claimed = redis.stream(String.class).xautoclaim(Keys.TURNS,
                    Keys.TURNS_GROUP, consumer, config.reclaimIdle(), reclaimCursor, free);
            reclaimCursor = claimed.getId();
            for (StreamMessage<String, String, String> entry : claimed.getMessages()) {
                LOG.infof("taking over turn entry %s from a replica that stopped answering", entry.id());
                dispatch(entry);
                handedOff++;
            }
        } finally {
            // Whatever was not handed to a worker goes back, also when Redis failed.
            slots.release(free - handedOff);
        }
    }

    /** Workers free to take a turn now; equals the concurrency when idle. */
    public int freeWorkers() {
        return slots.availablePermits();
    }

    private boolean acquire(Duration wait) {
        try {
            return slots.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
