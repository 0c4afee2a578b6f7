package io.nagatha.agent.service;

/** The running turn was asked to stop ({@code interrupted} by a newer message, or {@code cancelled}). */
final class TurnStopped extends RuntimeException {

    private final String code;

    TurnStopped(String code) {
        super(code, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }
}
