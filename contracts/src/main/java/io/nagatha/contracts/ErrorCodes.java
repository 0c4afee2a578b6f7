package io.nagatha.contracts;

/** The stable error codes of API.md, carried in problem details and in {@code turn.failed}. */
public final class ErrorCodes {

    public static final String UNAUTHORIZED = "unauthorized";
    public static final String FORBIDDEN = "forbidden";
    public static final String NOT_FOUND = "not_found";
    public static final String SESSION_NOT_FOUND = "session_not_found";
    public static final String VALIDATION_FAILED = "validation_failed";
    public static final String PAYLOAD_TOO_LARGE = "payload_too_large";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String TOOL_NOT_FOUND = "tool_not_found";
    public static final String TOOL_FAILED = "tool_failed";
    public static final String UPSTREAM_TIMEOUT = "upstream_timeout";
    public static final String UPSTREAM_ERROR = "upstream_error";
    public static final String TURN_IN_PROGRESS = "turn_in_progress";
    /** Added to API.md's list: the session was ended, so it takes no new messages or interfaces. */
    public static final String SESSION_ENDED = "session_ended";
    public static final String LINK_CODE_INVALID = "link_code_invalid";
    public static final String UNAVAILABLE = "unavailable";
    public static final String INTERNAL_ERROR = "internal_error";
    public static final String INTERRUPTED = "interrupted";
    public static final String CANCELLED = "cancelled";
    /** Added to API.md's list: a cancel for a turn that has already completed or failed (409). */
    public static final String TURN_FINISHED = "turn_finished";

    private ErrorCodes() {
    }
}
