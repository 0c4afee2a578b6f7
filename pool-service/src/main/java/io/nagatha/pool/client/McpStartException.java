package io.nagatha.pool.client;

/** A server did not come up: its message says why, with the last lines of its stderr. */
public class McpStartException extends RuntimeException {

    public McpStartException(String message) {
        super(message, null, false, false);
    }
}
