package io.nagatha.contracts;

/** Names of the fields inside stream entries; every entry carries one JSON document. */
public final class StreamFields {

    /** On a session's event stream: the {@link Event} without its id (the entry id is the event id). */
    public static final String EVENT = "event";
    /** On the turns stream: a {@link TurnRequest}. */
    public static final String TURN = "turn";
    /** On a session's history stream: a {@link Message}. */
    public static final String MESSAGE = "message";

    private StreamFields() {
    }
}
