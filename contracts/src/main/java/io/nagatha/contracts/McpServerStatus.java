package io.nagatha.contracts;

import java.time.Instant;
import java.util.List;

/**
 * One configured MCP server as one pool replica sees it. {@code state}: starting | ready | error |
 * closed; {@code tools}: how many tools it offers; {@code attempts}: connection attempts that failed
 * since this replica configured the server (a total, not reset by an operator restart);
 * {@code replica} and {@code updatedAt} let readers merge replicas and drop dead ones.
 */
public record McpServerStatus(
        String name,
        String transport,
        String state,
        int tools,
        Instant lastHealthCheck,
        List<McpConnectionStatus> connections,
        int attempts,
        String lastError,
        String replica,
        Instant updatedAt) {

    public static final String STARTING = "starting";
    public static final String READY = "ready";
    public static final String ERROR = "error";
    public static final String CLOSED = "closed";
}
