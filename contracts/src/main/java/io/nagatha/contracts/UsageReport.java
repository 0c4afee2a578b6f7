package io.nagatha.contracts;

import java.util.Map;

/** API.md's answer to {@code GET /api/v1/usage}; {@code tools} is keyed by {@code server/tool}. */
public record UsageReport(long turns, Tokens tokens, Map<String, ToolUsage> tools) {

    public record Tokens(long prompt, long completion) {
    }
}
