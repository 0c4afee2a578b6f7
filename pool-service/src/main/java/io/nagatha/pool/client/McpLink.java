package io.nagatha.pool.client;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Optional;

/**
 * An initialised MCP client and, for stdio, the server's process and its descendants as seen right
 * after start (the snapshot matters: once the process dies its children are re-parented and no
 * longer reachable as descendants).
 */
public record McpLink(McpAsyncClient client, McpSchema.InitializeResult initialized, Optional<Process> process,
        List<ProcessHandle> descendants) {
}
