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

    Optional<Integer> maxTokens();

    /** Longest wait for the model to start answering (connect and response headers). */
    @WithDefault("60s")
    Duration timeout();

    /** Logs requests and responses (the key is masked); for troubleshooting only. */
    @WithDefault("false")
    boolean logTraffic();

    default boolean configured() {
        return baseUrl().isPresent() || apiKey().isPresent();
    }
}
