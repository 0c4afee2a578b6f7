package io.nagatha.support.heartbeat;

import io.nagatha.support.config.ServiceConfig;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;

/** This replica's id and start time; the id also names it as a stream consumer. */
@Singleton
public class ReplicaIdentity {

    private final String service;
    private final String id;
    private final Instant startedAt = Instant.now();

    ReplicaIdentity(ServiceConfig config) {
        this.service = config.name();
        this.id = config.replicaId().orElseGet(() -> hostName() + "-" + ProcessHandle.current().pid());
    }

    public String service() {
        return service;
    }

    public String id() {
        return id;
    }

    public Instant startedAt() {
        return startedAt;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
