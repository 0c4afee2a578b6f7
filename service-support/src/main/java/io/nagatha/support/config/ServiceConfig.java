package io.nagatha.support.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Who this process is: the service it runs and the replica it is. */
@ConfigMapping(prefix = "nagatha.service")
public interface ServiceConfig {

    /** The service's name as the status page shows it (gateway, session-service, …). */
    String name();

    /** This replica's id; defaults to the host name and process id, which is unique per pod or process. */
    Optional<String> replicaId();

    /** How often the replica records that it is alive; it counts as gone after three missed beats. */
    @WithDefault("5s")
    Duration heartbeatInterval();
}
