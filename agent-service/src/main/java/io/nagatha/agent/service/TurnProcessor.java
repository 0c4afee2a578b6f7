package io.nagatha.agent.service;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nagatha.agent.client.LlmClient;
import io.nagatha.agent.config.AgentConfig;
import io.nagatha.agent.repository.TurnRepository;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.contracts.TurnUsage;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Runs one turn: marks it started, asks the model (streaming its reply as deltas), and writes the
 * outcome once. A model failure ends the turn with {@code turn.failed}; a Redis failure propagates,
 * so the turn stays on the stream and is run again.
 */
@ApplicationScoped
public class TurnProcessor {

    static final String NO_MODEL_REPLY = """
            I can't answer yet: no language model is configured for Nagatha.

            To connect one, set these three variables and restart (./nagatha down, then ./nagatha up):
              NAGATHA_LLM_BASE_URL  an OpenAI-compatible API, for example https://api.openai.com/v1 for OpenAI, \
            http://127.0.0.1:11434/v1 for Ollama, or your vLLM or LiteLLM server's /v1 address
              NAGATHA_LLM_MODEL     the model's name, for example gpt-4o-mini or llama3.1
              NAGATHA_LLM_API_KEY   your API key (servers that need none accept any text)
            In Kubernetes, set nagatha.llm.base-url, nagatha.llm.model and nagatha.llm.api-key in the agent's \
            configuration instead.""";

    private static final Logger LOG = Logger.getLogger(TurnProcessor.class);

    private final TurnRepository turns;
    private final LlmClient llm;
    private final AgentConfig config;
    private final MeterRegistry metrics;

    TurnProcessor(TurnRepository turns, LlmClient llm, AgentConfig config, MeterRegistry metrics) {
        this.turns = turns;
        this.llm = llm;
        this.config = config;
        this.metrics = metrics;
    }

    /** Returns once the outcome is written (or was written before, by an earlier delivery). */
    public void run(TurnRequest turn) {
        int attempt = turns.start(turn);
        if (attempt < 0) {
            LOG.debugf("turn %s already finished: a re-delivery, nothing to do", turn.turnId());
            return;
        }
        turns.append(Event.turnStarted(turn.sessionId(), turn.turnId(), attempt));
        Instant started = Instant.now();
        Timer.Sample timer = Timer.start(metrics);
        Message userMessage = new Message(turn.messageId(), Message.USER, turn.content(), turn.interfaceType(),
                turn.turnId(), turn.acceptedAt());
        String outcome;
        try {
            Reply reply = llm.configured() ? askModel(turn, started.plus(config.turnTimeout())) : noModel(turn);
            Message answer = new Message(Ids.message(), Message.ASSISTANT, reply.text(), turn.interfaceType(),
                    turn.turnId(), Instant.now());
            TurnUsage usage = new TurnUsage(reply.promptTokens(), reply.completionTokens(), 0, elapsedMs(started));
            turns.finish(turn, TurnRepository.COMPLETED, List.of(userMessage, answer),
                    List.of(Event.message(answer, turn.sessionId()), Event.turnCompleted(turn.sessionId(), turn.turnId(), usage)),
                    usage);
            outcome = TurnRepository.COMPLETED;
        } catch (TurnFailure failure) {
            LOG.infof("turn %s of session %s failed: %s (%s)", turn.turnId(), turn.sessionId(), failure.getMessage(), failure.code());
            turns.finish(turn, TurnRepository.FAILED, List.of(userMessage),
                    List.of(Event.turnFailed(turn.sessionId(), turn.turnId(), failure.code(), failure.getMessage())),
                    new TurnUsage(0, 0, 0, elapsedMs(started)));
            outcome = failure.code();
        }
        timer.stop(metrics.timer("turn.duration", "outcome", outcome));
        metrics.counter("turns", "outcome", outcome).increment();
    }

    private Reply noModel(TurnRequest turn) {
        turns.append(Event.delta(turn.sessionId(), turn.turnId(), NO_MODEL_REPLY));
        return new Reply(NO_MODEL_REPLY, 0, 0);
    }

    private Reply askModel(TurnRequest turn, Instant deadline) throws TurnFailure {
        DeltaPump pump = new DeltaPump(text -> turns.append(Event.delta(turn.sessionId(), turn.turnId(), text)));
        CompletableFuture<ChatResponse> response = llm.stream(prompt(turn), pump::offer);
        try {
            pump.pumpUntil(response, deadline);
        } catch (TimeoutException e) {
            response.cancel(true);
            throw new TurnFailure(ErrorCodes.UPSTREAM_TIMEOUT,
                    "the language model did not finish within " + config.turnTimeout().toSeconds() + " s");
        } catch (InterruptedException e) {
            // The replica is stopping: leave the turn unacknowledged so that another replica runs it.
            Thread.currentThread().interrupt();
            response.cancel(true);
            throw new IllegalStateException("stopped while turn " + turn.turnId() + " ran", e);
        }
        ChatResponse answer;
        try {
            answer = response.join();
        } catch (CompletionException e) {
            throw classify(e.getCause() != null ? e.getCause() : e);
        }
        // A stream cut off mid-way ends "successfully" with partial text and no finish reason.
        if (answer.finishReason() == null) {
            throw new TurnFailure(ErrorCodes.UPSTREAM_ERROR, "the language model's answer was cut off");
        }
        String text = answer.aiMessage() == null || answer.aiMessage().text() == null ? "" : answer.aiMessage().text();
        TokenUsage usage = answer.tokenUsage();
        return new Reply(text, usage == null ? 0 : count(usage.inputTokenCount()), usage == null ? 0 : count(usage.outputTokenCount()));
    }

    /** The system prompt, the recent history in order, and the new message. */
    private List<ChatMessage> prompt(TurnRequest turn) {
        List<ChatMessage> prompt = new ArrayList<>();
        prompt.add(SystemMessage.from(config.systemPrompt()));
        for (Message message : turns.recentHistory(turn.sessionId(), config.historyMessages())) {
            if (Message.USER.equals(message.role())) {
                prompt.add(UserMessage.from(message.content()));
            } else if (Message.ASSISTANT.equals(message.role()) && !message.content().isEmpty()) {
                prompt.add(AiMessage.from(message.content()));
            }
        }
        prompt.add(UserMessage.from(turn.content()));
        return prompt;
    }

    private TurnFailure classify(Throwable error) {
        if (error instanceof RateLimitException) {
            return new TurnFailure(ErrorCodes.RATE_LIMITED, "the language model is rate-limiting requests; try again shortly");
        }
        if (error instanceof dev.langchain4j.exception.TimeoutException || mentionsTimeout(error)) {
            return new TurnFailure(ErrorCodes.UPSTREAM_TIMEOUT, "the language model did not start answering within "
                    + "the configured timeout (nagatha.llm.timeout)");
        }
        if (error instanceof AuthenticationException) {
            return new TurnFailure(ErrorCodes.UPSTREAM_ERROR, "the language model rejected the API key (nagatha.llm.api-key)");
        }
        if (error instanceof ModelNotFoundException) {
            return new TurnFailure(ErrorCodes.UPSTREAM_ERROR, "the language model server does not know model '"
                    + llm.modelName() + "' (nagatha.llm.model)");
        }
        LOG.warnf(error, "language model call failed");
        return new TurnFailure(ErrorCodes.UPSTREAM_ERROR, "the language model failed: " + shorten(error.getMessage()));
    }

    private static boolean mentionsTimeout(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.http.HttpTimeoutException
                    || (t.getMessage() != null && t.getMessage().contains("timeout period"))) {
                return true;
            }
        }
        return false;
    }

    private static String shorten(String text) {
        if (text == null) {
            return "no details";
        }
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    private static long count(Integer tokens) {
        return tokens == null ? 0 : tokens;
    }

    private static long elapsedMs(Instant started) {
        return Duration.between(started, Instant.now()).toMillis();
    }

    private record Reply(String text, long promptTokens, long completionTokens) {
    }
}
