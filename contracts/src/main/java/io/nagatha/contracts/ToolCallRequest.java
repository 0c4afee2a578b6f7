package io.nagatha.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One tool call on the tool-calls stream. {@code replyTo} is the caller's reply stream (see
 * {@link Keys#toolReplies}); the pool answers there exactly once, also when the call is not run
 * because its {@code deadline} has passed. {@code sessionId} and {@code userId} only feed usage.
 */
public record ToolCallRequest(
        String callId,
        String server,
        String tool,
        JsonNode arguments,
        String sessionId,
        String userId,
        Instant deadline,
        String replyTo) {
}
