package io.nagatha.agent.client;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.nagatha.agent.config.LlmConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The OpenAI-compatible chat model, built at start-up from optional configuration. It is not an
 * injected langchain4j bean on purpose: that bean makes the boot fail when no key is set, and "no
 * model configured" is a mode Nagatha runs in. Built at start-up so the log says at once which
 * model is in use.
 */
@Startup
@ApplicationScoped
public class LlmClient {

    private static final Logger LOG = Logger.getLogger(LlmClient.class);

    private final Optional<StreamingChatModel> model;
    private final LlmConfig config;

    LlmClient(LlmConfig config) {
        this.config = config;
        this.model = config.configured() ? Optional.of(build(config)) : Optional.empty();
        if (model.isPresent()) {
            LOG.infof("language model %s at %s", config.model(), baseUrl(config));
        } else {
            LOG.warn("no language model configured (nagatha.llm.base-url / NAGATHA_LLM_BASE_URL): "
                    + "turns are answered with instructions for configuring one");
        }
    }

    public boolean configured() {
        return model.isPresent();
    }

    public String modelName() {
        return config.model();
    }

    /**
     * Streams a completion: {@code onToken} gets each piece of text as it arrives (on an I/O
     * thread, so it must not block); the future completes with the whole response.
     */
    public CompletableFuture<ChatResponse> stream(List<ChatMessage> messages, Consumer<String> onToken) {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        StreamingChatModel chatModel = model.orElseThrow(() -> new IllegalStateException("no language model configured"));
        chatModel.chat(ChatRequest.builder().messages(messages).build(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String token) {
                onToken.accept(token);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return done;
    }

    private static StreamingChatModel build(LlmConfig config) {
        var builder = OpenAiStreamingChatModel.builder()
                .baseUrl(baseUrl(config))
                // OpenAI-compatible servers that need no key still expect the header.
                .apiKey(config.apiKey().orElse("not-needed"))
                .modelName(config.model())
                .timeout(config.timeout())
                .logRequests(config.logTraffic())
                .logResponses(config.logTraffic());
        config.temperature().ifPresent(builder::temperature);
        config.maxTokens().ifPresent(builder::maxTokens);
        return builder.build();
    }

    private static String baseUrl(LlmConfig config) {
        return config.baseUrl().orElse(LlmConfig.OPENAI_BASE_URL);
    }
}
