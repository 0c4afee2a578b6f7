package io.nagatha.agent.service;

/**
 * This worker no longer holds its session's lease (it stalled past it and another worker took
 * over): it must stop at once and write nothing more; the new holder runs the turn again.
 */
public final class LeaseLost extends RuntimeException {

    LeaseLost(String what) {
        super(what, null, false, false);
    }
}
