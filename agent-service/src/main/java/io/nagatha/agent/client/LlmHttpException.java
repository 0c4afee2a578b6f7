package io.nagatha.agent.client;

import java.time.Duration;
import java.util.Optional;

/** An error status from the model's server, with the {@code Retry-After} it asked for, if any. */
public final class LlmHttpException extends RuntimeException {

    private final int status;
    private final Duration retryAfter;

    LlmHttpException(int status, Duration retryAfter, String body) {
        super("HTTP " + status + ": " + body, null, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
