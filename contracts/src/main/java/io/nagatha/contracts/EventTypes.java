package io.nagatha.contracts;

/** The event types of API.md; clients switch on these strings, so they only ever grow. */
public final class EventTypes {

    public static final String SESSION_ATTACHED = "session.attached";
    public static final String PRESENCE = "presence";
    public static final String TURN_ACCEPTED = "turn.accepted";
    public static final String TURN_STARTED = "turn.started";
    public static final String MESSAGE_DELTA = "message.delta";
    public static final String TOOL_CALL = "tool.call";
    public static final String TOOL_RESULT = "tool.result";
    public static final String MESSAGE = "message";
    public static final String TURN_COMPLETED = "turn.completed";
    public static final String TURN_FAILED = "turn.failed";
    public static final String RESUME_GAP = "resume.gap";
    public static final String SESSION_ENDED = "session.ended";

    private EventTypes() {
    }

    /** A turn's last event: after it, nothing more is written for that turn. */
    public static boolean isTerminal(String type) {
        return TURN_COMPLETED.equals(type) || TURN_FAILED.equals(type);
    }
}
