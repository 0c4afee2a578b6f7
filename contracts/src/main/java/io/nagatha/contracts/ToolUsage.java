package io.nagatha.contracts;

/** Calls of one tool in one scope (session, user or everyone): count, failures, summed latency. */
public record ToolUsage(long calls, long errors, long totalMs) {
}
