package io.nagatha.contracts;

import java.time.Instant;
import java.util.List;

/** A conversation that any number of interfaces can be attached to at once. */
public record Session(
        String id,
        String userId,
        String title,
        boolean active,
        String turnPolicy,
        Instant createdAt,
        Instant lastActivity,
        Instant expiresAt,
        List<AttachedInterface> interfaces,
        long messageCount,
        List<String> relatedSessions,
        SessionUsage usage) {

    public static final String POLICY_QUEUE = "queue";
    public static final String POLICY_REJECT = "reject";
    public static final String POLICY_INTERRUPT = "interrupt";
}
