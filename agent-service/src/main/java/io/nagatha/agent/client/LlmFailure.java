package io.nagatha.agent.client;

/**
 * Why a model call gave no answer, with the stable {@code code} a failed turn carries
 * ({@code rate_limited}, {@code upstream_timeout}, {@code upstream_error}).
 */
public final class LlmFailure extends RuntimeException {

    private final String code;

    LlmFailure(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
