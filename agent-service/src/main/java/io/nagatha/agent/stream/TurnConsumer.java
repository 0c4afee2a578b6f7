package io.nagatha.agent.stream;

import io.nagatha.agent.config.AgentConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nagatha.agent.repository.Lease;
import io.nagatha.agent.service.LeaseLost;
import io.nagatha.agent.service.SessionRunner;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.StreamFields;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.support.heartbeat.ReplicaIdentity;
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
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Takes turns from the turns stream through the {@code agents} consumer group and hands them to
 * {@link SessionRunner} on a bounded pool of workers. An entry is acknowledged only after its
 * session's turns are written; one whose replica died stays pending and is claimed by a live
 * replica once it has been idle long enough.
 */
@ApplicationScoped
public class TurnConsumer {

    private static final Logger LOG = Logger.getLogger(TurnConsumer.class);

    private final RedisDataSource redis;
    private final RedisDataSource streams;
    private final SessionRunner sessions;
    private final Counter deadLettered;
    private final AgentConfig config;
    private final String consumer;
    private final Scheduler scheduler;
    private final PendingEntries pending;

    private WorkerSlots workers;
    private StreamLoop reader;

    TurnConsumer(RedisDataSource redis, @RedisClientName("streams") RedisDataSource streams, SessionRunner sessions,
            AgentConfig config, ReplicaIdentity replica, Scheduler scheduler, MeterRegistry metrics) {
        this.redis = redis;
        this.streams = streams;
        this.sessions = sessions;
        this.deadLettered = Counter.builder("turns.dead.lettered")
                .description("Turn entries that could not be read, moved to " + Keys.TURNS_DEAD_LETTER).register(metrics);
        this.config = config;
        this.consumer = replica.id();
        this.scheduler = scheduler;
        this.pending = new PendingEntries(Keys.TURNS, Keys.TURNS_GROUP, consumer);
    }

    void onStart(@Observes StartupEvent event) {
        StreamGroups.ensureAtStart(redis, Keys.TURNS, Keys.TURNS_GROUP);
        workers = new WorkerSlots("turn-worker", config.concurrency());
        reader = StreamLoop.start("turn-reader", streams, this::readOnce);
        scheduler.newJob("turn-reclaim")
                .setInterval(config.reclaimIdle().dividedBy(3).toString())
                .setConcurrentExecution(ConcurrentExecution.SKIP)
                .setTask(execution -> maintain())
                .schedule();
    }

    void onStop(@Observes ShutdownEvent event) {
        reader.stop(config.readBlock().plusSeconds(1));
        List<String> running = workers.inFlight();
        List<Lease> leases = sessions.leases();
        // What is still running after the grace stays pending on the stream and another replica finishes it:
        // handed over at once rather than after reclaim-idle, with this replica's leases given up.
        workers.shutdown(Duration.ofSeconds(10));
        try {
            sessions.giveUp(leases);
            pending.handOver(redis, running, config.reclaimIdle());
        } catch (RuntimeException e) {
            LOG.warnf("could not hand over unfinished turns (%s); other replicas take them after %s", e.getMessage(),
                    config.reclaimIdle());
        }
    }

    public boolean isReading() {
        return reader != null && reader.isRunning();
    }

    public int inFlight() {
        return workers.inFlight().size();
    }

    /** Workers free to take a turn now; when idle, the concurrency less the one the reader holds while it waits on the stream. */
    public int freeWorkers() {
        return workers.free();
    }

    /**
     * One blocking read, only when a worker is free, so waiting turns go to replicas with room. It
     * holds one slot while it waits, which leaves the others to the reclaim job.
     */
    private void readOnce(RedisDataSource connection) {
        if (!workers.acquireOne(config.readBlock())) {
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
                workers.release(1);
            }
        }
    }

    private void dispatch(StreamMessage<String, String, String> entry) {
        workers.dispatch(entry.id(), id -> handle(entry));
    }

    private void handle(StreamMessage<String, String, String> entry) {
        TurnRequest turn;
        try {
            turn = decode(entry);
        } catch (IllegalArgumentException poison) {
            LOG.errorf("turn entry %s is unreadable (%s): moved to %s", entry.id(), poison.getMessage(), Keys.TURNS_DEAD_LETTER);
            pending.deadLetter(redis, Keys.TURNS_DEAD_LETTER, entry, poison.getMessage());
            deadLettered.increment();
            return;
        }
        try {
            sessions.handle(turn, consumer + "/" + entry.id());
            pending.acknowledge(redis, entry.id());
        } catch (LeaseLost e) {
            LOG.warnf("lost the lease of session %s (%s); its turns continue on the replica that took it",
                    turn.sessionId(), e.getMessage());
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

    /**
     * Keeps this replica's running turns fresh (so nobody takes them over), then takes over turns
     * whose replica has been silent for longer than the reclaim time, as many as workers are free.
     */
    void maintain() {
        try {
            // Leases first: a lease is always renewed before its entry, so it expires first too.
            sessions.renewLeases();
            pending.refresh(redis, workers.inFlight());
            takeOverSilentTurns();
        } catch (RuntimeException e) {
            if (StreamGroups.isMissingGroup(e)) {
                StreamGroups.ensure(redis, Keys.TURNS, Keys.TURNS_GROUP);
            } else {
                LOG.warnf("reclaiming pending turns failed: %s", e.getMessage());
            }
        }
    }

    private void takeOverSilentTurns() {
        int free = workers.acquireSome(Duration.ZERO);
        if (free == 0) {
            return;
        }
        int handedOff = 0;
        try {
            for (StreamMessage<String, String, String> entry : pending.takeOver(redis, config.reclaimIdle(), free)) {
                LOG.infof("taking over turn entry %s from a replica that stopped answering", entry.id());
                dispatch(entry);
                handedOff++;
            }
        } finally {
            // Whatever was not handed to a worker goes back, also when Redis failed.
            workers.release(free - handedOff);
        }
    }
}
