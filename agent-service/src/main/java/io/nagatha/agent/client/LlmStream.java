package io.nagatha.agent.client;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiStreamingResponseBuilder;
import dev.langchain4j.model.openai.internal.ResponseHandle;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionChoice;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionRequest;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionResponse;
import dev.langchain4j.model.openai.internal.chat.Delta;
import io.micrometer.core.instrument.MeterRegistry;
import io.nagatha.agent.config.LlmConfig;
import io.nagatha.contracts.ErrorCodes;
import io.quarkiverse.langchain4j.openai.common.QuarkusOpenAiClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One streamed answer of the model, possibly over several HTTP attempts.
 *
 * <ul>
 *   <li><b>Retries.</b> 429, 5xx and a failed connection are retried with exponential backoff (or
 *   after the server's {@code Retry-After}) while nothing of the answer has arrived yet; once text
 *   has been streamed to the user, a retry would show a second answer, so the call fails instead.</li>
 *   <li><b>Watchdog.</b> The first chunk must come within {@code nagatha.llm.timeout}, and each
 *   further one within {@code nagatha.llm.idle-timeout}; the whole answer before the turn's
 *   deadline. Otherwise the request is closed and the answer fails with {@code upstream_timeout}.</li>
 *   <li><b>Truncation.</b> A stream that ends without a finish reason was cut off: a failure.</li>
 *   <li><b>Cancel.</b> {@link #cancel()} closes the HTTP request at once, also before the first byte.</li>
 * </ul>
 *
 * {@link #result()} completes exactly once: with the answer, with an {@link LlmFailure}, or
 * cancelled. Callbacks arrive on an I/O thread and only hand data on; nothing here blocks.
 */
public final class LlmStream {

    private static final Logger LOG = Logger.getLogger(LlmStream.class);
    private static final long WATCH_EVERY_MS = 100;

    private final QuarkusOpenAiClient client;
    private final ChatCompletionRequest request;
    private final Consumer<String> onText;
    private final Instant deadline;
    private final LlmConfig config;
    private final ScheduledExecutorService timer;
    private final MeterRegistry metrics;
    private final CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    private final ScheduledFuture<?> watchdog;

    private volatile ResponseHandle handle;
    private volatile boolean delivered;
    private volatile boolean chunkSeen;
    private volatile long lastActivity = System.nanoTime();
    private int attempts; // changed only by start() and by the timer thread, never concurrently

    LlmStream(QuarkusOpenAiClient client, ChatCompletionRequest request, Consumer<String> onText, Instant deadline,
            LlmConfig config, ScheduledExecutorService timer, MeterRegistry metrics) {
        this.client = client;
        this.request = request;
        this.onText = onText;
        this.deadline = deadline;
        this.config = config;
        this.timer = timer;
        this.metrics = metrics;
        this.watchdog = timer.scheduleAtFixedRate(this::watch, WATCH_EVERY_MS, WATCH_EVERY_MS, TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> watchdog.cancel(false));
    }

    /** The answer; completes exceptionally with {@link LlmFailure}, or is cancelled. */
    public CompletableFuture<ChatResponse> result() {
        return result;
    }

    /** Closes the HTTP request now; {@link #result()} is cancelled. */
    public void cancel() {
        result.cancel(false);
        closeRequest();
    }

    void start() {
        attempt();
    }

    private void attempt() {
        if (result.isDone()) {
            return;
        }
        attempts++;
        chunkSeen = false;
        lastActivity = System.nanoTime();
        OpenAiStreamingResponseBuilder answer = new OpenAiStreamingResponseBuilder();
        try {
            handle = client.chatCompletion(request)
                    .onPartialResponse(chunk -> onChunk(answer, chunk))
                    .onComplete(() -> onComplete(answer))
                    .onError(this::onError)
                    .execute();
        } catch (RuntimeException e) {
            onError(e); // refused before it was sent (say, a malformed base URL): classified like any failure
            return;
        }
        if (result.isDone()) {
            closeRequest(); // cancelled while the request was being sent
        }
    }

    private void onChunk(OpenAiStreamingResponseBuilder answer, ChatCompletionResponse chunk) {
        if (result.isDone()) {
            return;
        }
        lastActivity = System.nanoTime();
        chunkSeen = true;
        answer.append(chunk);
        if (chunk.choices() == null) {
            return;
        }
        for (ChatCompletionChoice choice : chunk.choices()) {
            Delta delta = choice.delta();
            if (delta == null) {
                continue;
            }
            if (delta.toolCalls() != null && !delta.toolCalls().isEmpty()) {
                delivered = true;
            }
            String text = delta.content();
            if (text != null && !text.isEmpty()) {
                delivered = true;
                onText.accept(text);
            }
        }
    }

    private void onComplete(OpenAiStreamingResponseBuilder answer) {
        if (result.isDone()) {
            return;
        }
        ChatResponse response = answer.build();
        if (response.finishReason() == null) {
            // The connection ended without a finish reason: the answer was cut off mid-way.
            retryOrFail(new LlmFailure(ErrorCodes.UPSTREAM_ERROR,
                    "the language model's answer was cut off before it finished"), true, null);
            return;
        }
        result.complete(response);
    }

    private void onError(Throwable error) {
        if (result.isDone()) {
            return;
        }
        LlmHttpException http = find(error, LlmHttpException.class);
        HttpException plain = find(error, HttpException.class);
        int status = http != null ? http.status() : plain != null ? plain.statusCode() : 0;
        if (status == 429) {
            retryOrFail(new LlmFailure(ErrorCodes.RATE_LIMITED,
                    "the language model is rate-limiting requests; try again shortly"), true,
                    http == null ? null : http.retryAfter().orElse(null));
        } else if (status >= 500) {
            retryOrFail(new LlmFailure(ErrorCodes.UPSTREAM_ERROR, "the language model's server failed (HTTP " + status + ")"),
                    true, http == null ? null : http.retryAfter().orElse(null));
        } else if (status == 401 || status == 403) {
            fail(new LlmFailure(ErrorCodes.UPSTREAM_ERROR, "the language model rejected the API key (nagatha.llm.api-key)"));
        } else if (status == 404) {
            fail(new LlmFailure(ErrorCodes.UPSTREAM_ERROR, "the language model server does not know model '"
                    + request.model() + "' or the address (nagatha.llm.model, nagatha.llm.base-url)"));
        } else if (status > 0) {
            fail(new LlmFailure(ErrorCodes.UPSTREAM_ERROR, "the language model refused the request (HTTP " + status + "): "
                    + shorten(error.getMessage())));
        } else if (isTimeout(error)) {
            fail(new LlmFailure(ErrorCodes.UPSTREAM_TIMEOUT, "the language model did not start answering within "
                    + config.timeout().toSeconds() + " s (nagatha.llm.timeout)"));
        } else if (chunkSeen && isConnectionLoss(error)) {
            retryOrFail(new LlmFailure(ErrorCodes.UPSTREAM_ERROR,
                    "the language model's answer was cut off before it finished (the connection dropped)"), true, null);
        } else if (isConnectionLoss(error)) {
            retryOrFail(new LlmFailure(ErrorCodes.UPSTREAM_ERROR, "the language model could not be reached: "
                    + shorten(error.getMessage())), true, null);
        } else {
            LOG.warnf(error, "language model call failed");
            fail(new LlmFailure(ErrorCodes.UPSTREAM_ERROR, "the language model failed: " + shorten(error.getMessage())));
        }
    }

    private void retryOrFail(LlmFailure failure, boolean retryable, Duration retryAfter) {
        if (!retryable || delivered || attempts > config.retry().maxRetries()) {
            fail(failure);
            return;
        }
        Duration backoff = config.retry().initialBackoff().multipliedBy(1L << Math.min(20, attempts - 1));
        Duration pause = retryAfter != null ? retryAfter : min(backoff, config.retry().maxBackoff());
        if (pause.compareTo(config.retry().maxBackoff()) > 0 || Instant.now().plus(pause).isAfter(deadline)) {
            fail(new LlmFailure(failure.code(), failure.getMessage() + " (the server asked to wait "
                    + Math.max(1, pause.toSeconds()) + " s, longer than this turn may wait)"));
            return;
        }
        LOG.debugf("model call attempt %s failed (%s), retrying in %s ms", (Object) attempts, failure.getMessage(), pause.toMillis());
        metrics.counter("llm.retries", "code", failure.code()).increment();
        closeRequest();
        lastActivity = System.nanoTime() + pause.toNanos(); // the silence clock starts with the next attempt
        timer.schedule(this::attempt, pause.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs every 100 ms until the answer is done: the timeouts the HTTP client does not have. */
    private void watch() {
        if (result.isDone()) {
            return;
        }
        Duration silent = Duration.ofNanos(System.nanoTime() - lastActivity);
        if (Instant.now().isAfter(deadline)) {
            closeRequest();
            fail(new LlmFailure(ErrorCodes.UPSTREAM_TIMEOUT, "the language model did not finish within the turn's time"
                    + " (nagatha.agent.turn-timeout)"));
        } else if (!chunkSeen && silent.compareTo(config.timeout()) > 0) {
            closeRequest();
            fail(new LlmFailure(ErrorCodes.UPSTREAM_TIMEOUT, "the language model did not start answering within "
                    + config.timeout().toSeconds() + " s (nagatha.llm.timeout)"));
        } else if (chunkSeen && silent.compareTo(config.idleTimeout()) > 0) {
            closeRequest();
            fail(new LlmFailure(ErrorCodes.UPSTREAM_TIMEOUT, "the language model stopped sending its answer for "
                    + config.idleTimeout().toSeconds() + " s (nagatha.llm.idle-timeout)"));
        }
    }

    private void fail(LlmFailure failure) {
        result.completeExceptionally(failure);
    }

    private void closeRequest() {
        ResponseHandle current = handle;
        if (current != null) {
            current.cancel();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static boolean isConnectionLoss(Throwable error) {
        return find(error, IOException.class) != null || find(error, io.vertx.core.http.HttpClosedException.class) != null
                || find(error, io.vertx.core.VertxException.class) != null;
    }

    private static boolean isTimeout(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException || t instanceof dev.langchain4j.exception.TimeoutException
                    || (t.getMessage() != null && t.getMessage().contains("timeout period"))) {
                return true;
            }
        }
        return false;
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String shorten(String text) {
        if (text == null) {
            return "no details";
        }
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
