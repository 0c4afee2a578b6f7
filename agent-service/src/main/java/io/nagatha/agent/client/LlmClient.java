package io.nagatha.agent.client;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.openai.internal.OpenAiUtils;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionRequest;
import dev.langchain4j.model.openai.internal.chat.ToolChoiceMode;
import dev.langchain4j.model.openai.internal.shared.StreamOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.nagatha.agent.config.LlmConfig;
import io.quarkiverse.langchain4j.openai.common.QuarkusOpenAiClient;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The OpenAI-compatible chat model, built at start-up from optional configuration.
 *
 * <p>Why not an injected langchain4j model bean: that bean makes the boot fail when no key is set,
 * and "no model configured" is a mode Nagatha runs in. Why not {@code OpenAiStreamingChatModel}:
 * under Quarkus its streams cannot be cancelled (the handle is a no-op), it never retries a
 * streaming call, and it has no timeout once the headers arrived. So this talks to
 * {@link QuarkusOpenAiClient} directly: each answer is an {@link LlmStream} whose cancel closes the
 * HTTP request, with its own retry policy and inactivity watchdog. The request and the streamed
 * response are langchain4j's OpenAI types (the {@code internal} package, pinned through the
 * quarkus-langchain4j BOM; {@code LlmClientContractTest} covers what is used of it).
 */
@Startup
@ApplicationScoped
public class LlmClient {

    private static final Logger LOG = Logger.getLogger(LlmClient.class);

    private final LlmConfig config;
    private final Optional<QuarkusOpenAiClient> client;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "llm-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final MeterRegistry metrics;

    LlmClient(LlmConfig config, MeterRegistry metrics) {
        this.config = config;
        this.metrics = metrics;
        this.client = config.configured() ? Optional.of(build(config)) : Optional.empty();
        if (client.isPresent()) {
            LOG.infof("language model %s at %s", config.model(), baseUrl(config));
        } else {
            LOG.warn("no language model configured (nagatha.llm.base-url / NAGATHA_LLM_BASE_URL): "
                    + "turns are answered with instructions for configuring one");
        }
    }

    public boolean configured() {
        return client.isPresent();
    }

    public String modelName() {
        return config.model();
    }

    /**
     * Starts a streamed answer to {@code messages}. {@code tools} are offered to the model; with
     * {@code mayCallTools} false they are still described but the model must answer in text.
     * {@code onText} gets each piece of text as it arrives, on an I/O thread, so it must not block.
     */
    public LlmStream stream(List<ChatMessage> messages, List<ToolSpecification> tools, boolean mayCallTools,
            Consumer<String> onText, Instant deadline) {
        QuarkusOpenAiClient model = client.orElseThrow(() -> new IllegalStateException("no language model configured"));
        LlmStream stream = new LlmStream(model, request(messages, tools, mayCallTools), onText, deadline, config, timer, metrics);
        stream.start();
        return stream;
    }

    ChatCompletionRequest request(List<ChatMessage> messages, List<ToolSpecification> tools, boolean mayCallTools) {
        ChatCompletionRequest.Builder request = ChatCompletionRequest.builder()
                .model(config.model())
                .messages(OpenAiUtils.toOpenAiMessages(messages))
                .stream(true)
                .streamOptions(StreamOptions.builder().includeUsage(true).build());
        config.temperature().ifPresent(request::temperature);
        config.maxTokens().ifPresent(request::maxTokens);
        if (!tools.isEmpty()) {
            request.tools(OpenAiUtils.toTools(tools, false));
            if (!mayCallTools) {
                request.toolChoice(ToolChoiceMode.NONE);
            }
        }
        return request.build();
    }

    private static QuarkusOpenAiClient build(LlmConfig config) {
        return QuarkusOpenAiClient.builder()
                .baseUrl(baseUrl(config))
                // OpenAI-compatible servers that need no key still expect the header.
                .openAiApiKey(config.apiKey().orElse("not-needed"))
                .connectTimeout(config.timeout())
                .readTimeout(config.timeout())
                .logRequests(config.logTraffic())
                .logResponses(config.logTraffic())
                .build();
    }

    private static String baseUrl(LlmConfig config) {
        String url = config.baseUrl().orElse(LlmConfig.OPENAI_BASE_URL);
        return url.endsWith("/") ? url : url + "/";
    }

    @PreDestroy
    void close() {
        timer.shutdownNow();
    }
}
