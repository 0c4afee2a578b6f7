package io.nagatha.gateway.client;

/** The session service failed (5xx or an unreadable answer): retried, then reported as unavailable. */
public class SessionServiceException extends RuntimeException {

    public SessionServiceException(String message) {
        super(message);
    }
}
