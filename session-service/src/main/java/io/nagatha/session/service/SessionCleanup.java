package io.nagatha.session.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.nagatha.contracts.AttachedInterface;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.ServiceReplica;
import io.nagatha.contracts.SessionStats;
import io.nagatha.session.config.SessionConfig;
import io.nagatha.session.repository.SessionRepository;
import io.nagatha.session.repository.StatsRepository;
import io.nagatha.support.heartbeat.ReplicaIdentity;
import io.nagatha.support.heartbeat.ServiceDirectory;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The background pass every replica schedules: expire sessions idle longer than the TTL, clear
 * interfaces whose client vanished without detaching, and refresh the statistics snapshot.
 *
 * <p>Safe with any number of replicas: a lease keeps the work to one replica at a time, and every
 * change is a compare-and-set in Redis (a session is deleted only if its lastActivity is still
 * what the pass saw; an attachment only if it is still byte-for-byte what the pass saw), so even
 * two passes at once expire each session exactly once and never undo a concurrent update.
 */
@ApplicationScoped
public class SessionCleanup {

    private static final Logger LOG = Logger.getLogger(SessionCleanup.class);
    private static final String GATEWAY = "gateway";

    /** What one pass did. */
    public record PassResult(boolean ran, int expired, int detached) {
    }

    private final SessionRepository sessions;
    private final StatsRepository stats;
    private final ServiceDirectory directory;
    private final ReplicaIdentity replica;
    private final SessionConfig config;
    private final Counter expiredCounter;
    private final Counter detachedCounter;
    private final DistributionSummary messagesPerSession;
    private final MultiGauge byInterfaceGauge;

    SessionCleanup(SessionRepository sessions, StatsRepository stats, ServiceDirectory directory, ReplicaIdentity replica,
            SessionConfig config, MeterRegistry metrics) {
        this.sessions = sessions;
        this.stats = stats;
        this.directory = directory;
        this.replica = replica;
        this.config = config;
        this.expiredCounter = Counter.builder("nagatha.sessions.expired")
                .description("Sessions this replica deleted after their inactivity TTL").register(metrics);
        this.detachedCounter = Counter.builder("nagatha.sessions.stale.attachments")
                .description("Interfaces this replica detached because their client vanished").register(metrics);
        this.messagesPerSession = DistributionSummary.builder("nagatha.session.messages")
                .description("Messages a session held when it expired").register(metrics);
        this.byInterfaceGauge = MultiGauge.builder("nagatha.sessions.interfaces")
                .description("Active sessions with each interface attached, as of the last cleanup pass").register(metrics);
    }

    @Scheduled(every = "${nagatha.sessions.cleanup-interval}", delayed = "${nagatha.sessions.cleanup-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            run();
        } catch (RuntimeException e) {
            LOG.warnf("session cleanup pass failed, next pass retries: %s", e.toString());
        }
    }

    /** One pass, if this replica gets the lease (or leases are off). */
    public PassResult run() {
        if (config.cleanupLease() && !stats.tryLease(replica.id(), config.cleanupInterval())) {
            return new PassResult(false, 0, 0);
        }
        try {
            int expired = expireIdle();
            int detached = clearVanishedAndCount();
            return new PassResult(true, expired, detached);
        } finally {
            if (config.cleanupLease()) {
                stats.releaseLease(replica.id());
            }
        }
    }

    private int expireIdle() {
        Instant cutoff = Instant.now().minus(config.ttl());
        int expired = 0;
        while (true) {
            List<String> candidates = sessions.idleSince(cutoff, config.cleanupBatch());
            int progressed = 0;
            for (String id : candidates) {
                Optional<String[]> seen = sessions.activityAndOwner(id);
                if (seen.isEmpty()) {
                    sessions.unindex(id, null);
                    progressed++;
                    continue;
                }
                Instant lastActivity = Instant.parse(seen.get()[0]);
                if (lastActivity.isAfter(cutoff)) {
                    sessions.rescore(id, lastActivity); // touched by someone who does not move the index
                    progressed++;
                    continue;
                }
                long result = sessions.expire(id, seen.get()[0]);
                if (result >= 0) {
                    sessions.unindex(id, seen.get()[1]);
                    stats.countExpired();
                    expiredCounter.increment();
                    messagesPerSession.record(result);
                    expired++;
                    progressed++;
                } else if (result == SessionRepository.NO_SESSION) {
                    sessions.unindex(id, seen.get()[1]); // another replica expired it
                    progressed++;
                }
            }
            if (candidates.size() < config.cleanupBatch() || progressed == 0) {
                return expired;
            }
        }
    }

    /** Clears vanished interfaces of active sessions, counting interfaces and messages on the way. */
    private int clearVanishedAndCount() {
        Instant now = Instant.now();
        Instant staleBefore = now.minus(config.attachmentTtl());
        Set<String> liveGateways = directory.live(GATEWAY).stream().map(ServiceReplica::id).collect(Collectors.toSet());
        Map<String, Long> byInterface = new TreeMap<>();
        long sessionsSeen = 0;
        long messages = 0;
        long maxMessages = 0;
        int detached = 0;
        for (long start = 0; ; start += config.cleanupBatch()) {
            List<String> ids = sessions.activeIds(start, start + config.cleanupBatch() - 1);
            for (String id : ids) {
                // Sockets of a replica that is gone first: each is let go as its replica would have.
                Set<String> heldTypes = new HashSet<>();
                for (Map.Entry<String, SessionRepository.SocketRecord> socket : sessions.sockets(id).entrySet()) {
                    if (liveGateways.contains(socket.getValue().holder())) {
                        heldTypes.add(socket.getValue().type());
                    } else if (sessions.detachSocket(id, socket.getKey()) == 1) {
                        detached++;
                        detachedCounter.increment();
                    }
                }
                for (Map.Entry<String, String> raw : sessions.rawInterfaces(id).entrySet()) {
                    AttachedInterface attached = Json.decode(raw.getValue(), AttachedInterface.class);
                    if (!heldTypes.contains(raw.getKey()) && vanished(attached, liveGateways, staleBefore)
                            && sessions.detach(id, raw.getKey(), raw.getValue()) == 1) {
                        detached++;
                        detachedCounter.increment();
                        LOG.debugf("detached vanished interface %s from session %s", raw.getKey(), id);
                    } else {
                        byInterface.merge(raw.getKey(), 1L, Long::sum);
                    }
                }
                long count = stats.messageCount(id);
                sessionsSeen++;
                messages += count;
                maxMessages = Math.max(maxMessages, count);
            }
            if (ids.size() < config.cleanupBatch()) {
                break;
            }
        }
        double mean = sessionsSeen == 0 ? 0 : (double) messages / sessionsSeen;
        stats.saveSnapshot(byInterface, new SessionStats.MessagesPerSession(mean, maxMessages), now);
        byInterfaceGauge.register(byInterface.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("interface", e.getKey()), e.getValue()))
                .toList(), true);
        return detached;
    }

    /** An attachment no open socket keeps: a socket's whose replica is gone, or an HTTP one not seen for the TTL. */
    private static boolean vanished(AttachedInterface attached, Set<String> liveGateways, Instant staleBefore) {
        if (attached.holder() != null) {
            return !liveGateways.contains(attached.holder());
        }
        Instant seen = attached.lastSeen() != null ? attached.lastSeen() : attached.attachedAt();
        return seen.isBefore(staleBefore);
    }
}
