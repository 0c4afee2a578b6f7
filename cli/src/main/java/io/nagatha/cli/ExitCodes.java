package io.nagatha.cli;

/** The exit codes of every command (docs/cli.md lists them); scripts branch on these. */
public final class ExitCodes {

    public static final int OK = 0;
    /** A turn ended with {@code turn.failed}, or did not end in the time given. */
    public static final int TURN_FAILED = 1;
    /** Bad options or arguments (picocli's own code for usage errors). */
    public static final int USAGE = 2;
    /** Nothing answers at the gateway's URL (connection refused, unknown host, timeout). */
    public static final int UNREACHABLE = 3;
    /** 401 or 403: no key, a wrong or revoked key, or a route for admins with a user's key. */
    public static final int UNAUTHORIZED = 4;
    /** 404: no such session, key, memory entry, MCP server or turn. */
    public static final int NOT_FOUND = 5;
    /** 400, 409, 413, 422: the gateway refused the request as it was (e.g. turn_in_progress). */
    public static final int REJECTED = 6;
    /** 429: the user's request or turn budget is spent for now. */
    public static final int RATE_LIMITED = 7;
    /** 5xx, or an answer the CLI cannot read: a service behind the gateway failed. */
    public static final int SERVER_ERROR = 8;
    /** Ctrl-C while waiting for a one-shot reply (the turn was cancelled). */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    /** The exit code for an HTTP status the gateway answered with. */
    public static int forStatus(int status) {
        return switch (status) {
            case 401, 403 -> UNAUTHORIZED;
            case 404 -> NOT_FOUND;
            case 429 -> RATE_LIMITED;
            default -> status >= 500 ? SERVER_ERROR : REJECTED;
        };
    }
}
