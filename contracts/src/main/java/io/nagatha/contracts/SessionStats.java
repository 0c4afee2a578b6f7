package io.nagatha.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * Session statistics for {@code GET /status}: {@code active} counted live, the rest from the last
 * cleanup pass ({@code computedAt}); {@code created} and {@code expired} are totals since Redis began.
 */
public record SessionStats(long active, Map<String, Long> byInterface, long created, long expired,
        MessagesPerSession messagesPerSession, Instant computedAt) {

    public record MessagesPerSession(double mean, long max) {
    }
}
