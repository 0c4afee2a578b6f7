package io.nagatha.contracts;

/** Field names on the tool-call streams, and the pool's control messages. */
public final class ToolCallStream {

    /** On {@link Keys#TOOL_CALLS}: a {@link ToolCallRequest}. */
    public static final String CALL = "call";
    /** On a caller's {@link Keys#toolReplies} stream: a {@link ToolCallResult}. */
    public static final String RESULT = "result";
    /** On {@link Keys#POOL_CONTROL}: {@code restart <server>} restarts that server on every replica. */
    public static final String RESTART = "restart ";

    private ToolCallStream() {
    }
}
