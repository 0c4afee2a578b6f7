package io.nagatha.agent;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Timeouts, retries and budgets small enough that a test sees them run out in a second or two. */
public class ShortLimitsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("nagatha.llm.timeout", "2s"),
                Map.entry("nagatha.llm.idle-timeout", "1s"),
                Map.entry("nagatha.llm.retry.max-retries", "2"),
                Map.entry("nagatha.llm.retry.initial-backoff", "100ms"),
                Map.entry("nagatha.llm.retry.max-backoff", "3s"),
                Map.entry("nagatha.agent.tools.timeout", "1s"),
                Map.entry("nagatha.tool-calls.reply-grace", "500ms"),
                Map.entry("nagatha.agent.context.max-tokens", "400"));
    }
}
