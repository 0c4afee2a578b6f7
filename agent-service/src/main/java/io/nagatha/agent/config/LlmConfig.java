package io.nagatha.agent.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The language model, all optional: with neither a base URL nor a key the agent runs in
 * "no model configured" mode and says how to configure one, instead of failing to start.
 */
@ConfigMapping(prefix = "nagatha.llm")
public interface LlmConfig {

    String OPENAI_BASE_URL = "https://api.openai.com/v1";

    /** An OpenAI-compatible API: OpenAI itself, or Ollama, vLLM, LiteLLM, … ({@code .../v1}). */
    Optional<String> baseUrl();

    /** The API key; servers that need none (a local Ollama) work without it. */
    Optional<String> apiKey();

    @WithDefault("gpt-4o-mini")
    String model();

    Optional<Double> temperature();

    /** Most tokens the model may write in one answer ({@code max_tokens}); unset leaves it to the server. */
    Optional<Integer> maxTokens();

    /** Longest wait for the model to start answering: connecting, the response headers, the first chunk. */
    @WithDefault("60s")
    Duration timeout();

    /** Longest silence between two chunks of a streaming answer before the answer is given up. */
    @WithDefault("30s")
    Duration idleTimeout();

    /** Retries of a request the server refused with 429 or 5xx (or could not be reached), before any of the answer arrived. */
    Retry retry();

    /** Logs requests and responses (the key is masked); for troubleshooting only. */
    @WithDefault("false")
    boolean logTraffic();

    default boolean configured() {
        return baseUrl().isPresent() || apiKey().isPresent();
    }

    /** Exponential backoff; a server's {@code Retry-After} replaces the computed pause. */
    interface Retry {

        /** Further attempts after the first. */
        @WithDefault("3")
        int maxRetries();

        /** Pause before the first retry; doubled for each further one. */
        @WithDefault("1s")
        Duration initialBackoff();

        /**
         * Longest pause between two attempts. A {@code Retry-After} longer than this (or past the
         * turn's deadline) fails the turn with rate_limited at once rather than retry too early.
         */
        @WithDefault("30s")
        Duration maxBackoff();
    }
}
