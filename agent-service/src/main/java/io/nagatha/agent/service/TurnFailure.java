package io.nagatha.agent.service;

/** A turn that cannot produce a reply; it ends with {@code turn.failed} carrying this code. */
class TurnFailure extends RuntimeException {

    private final String code;

    TurnFailure(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }
}
