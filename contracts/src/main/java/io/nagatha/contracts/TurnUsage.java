package io.nagatha.contracts;

/** What one turn consumed; {@code ms} is its wall time from start to final message. */
public record TurnUsage(long promptTokens, long completionTokens, long toolCalls, long ms) {
}
