package io.nagatha.pool.service;

/**
 * A call that got no answer from its server. {@code code} is one of ErrorCodes
 * ({@code upstream_timeout}, {@code upstream_error}, {@code tool_not_found}); {@code broken} says the
 * connection it ran on is unusable and must be replaced.
 */
public class ToolCallException extends RuntimeException {

    private final String code;
    private final boolean broken;

    public ToolCallException(String code, String message, boolean broken) {
        super(message, null, false, false);
        this.code = code;
        this.broken = broken;
    }

    public String code() {
        return code;
    }

    public boolean broken() {
        return broken;
    }
}
