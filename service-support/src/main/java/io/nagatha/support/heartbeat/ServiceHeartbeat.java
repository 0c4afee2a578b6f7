package io.nagatha.support.heartbeat;

import io.nagatha.support.config.ServiceConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Keeps this replica listed in the service directory while it runs, so status shows who is up. */
@ApplicationScoped
public class ServiceHeartbeat {

    private static final Logger LOG = Logger.getLogger(ServiceHeartbeat.class);

    private final ServiceDirectory directory;
    private final ReplicaIdentity replica;
    private final ServiceConfig config;
    private final Scheduler scheduler;

    ServiceHeartbeat(ServiceDirectory directory, ReplicaIdentity replica, ServiceConfig config, Scheduler scheduler) {
        this.directory = directory;
        this.replica = replica;
        this.config = config;
        this.scheduler = scheduler;
    }

    void onStart(@Observes StartupEvent event) {
        beat(); // listed at once, not one interval later
        scheduler.newJob("heartbeat")
                .setInterval(config.heartbeatInterval().toString())
                .setConcurrentExecution(ConcurrentExecution.SKIP)
                .setTask(execution -> beat())
                .schedule();
        LOG.infof("%s replica %s started", replica.service(), replica.id());
    }

    void onStop(@Observes ShutdownEvent event) {
        try {
            directory.remove(replica);
        } catch (RuntimeException e) {
            LOG.debugf("could not remove the heartbeat of %s: %s", replica.id(), e.getMessage());
        }
    }

    private void beat() {
        try {
            directory.beat(replica);
        } catch (RuntimeException e) {
            // Readiness already reports an unreachable Redis; one line per beat is enough here.
            LOG.warnf("heartbeat failed: %s", e.getMessage());
        }
    }
}
