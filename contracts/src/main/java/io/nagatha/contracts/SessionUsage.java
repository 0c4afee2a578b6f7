package io.nagatha.contracts;

/** What a session has consumed so far, summed over its turns. */
public record SessionUsage(long promptTokens, long completionTokens, long toolCalls) {
}
