package io.nagatha.contracts;

import java.time.Instant;

/** A running replica of a service, as its heartbeat records it. */
public record ServiceReplica(String id, Instant startedAt, Instant lastSeen) {
}
