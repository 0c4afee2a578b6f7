package io.nagatha.contracts;

import java.time.Instant;

/** One pooled MCP connection as API.md's {@code Connection}: state is idle | busy | error | closed. */
public record McpConnectionStatus(
        String id,
        String state,
        Instant createdAt,
        Instant lastUsed,
        long useCount,
        long errorCount,
        String lastError) {

    public static final String IDLE = "idle";
    public static final String BUSY = "busy";
    public static final String ERROR = "error";
    public static final String CLOSED = "closed";
}
