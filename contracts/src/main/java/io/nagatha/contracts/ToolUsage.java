package io.nagatha.contracts;

/** Calls of one tool in one scope (session, user or everyone): count, failures, summed latency. */
public record ToolUsage(long calls, long errors, long totalMs) {

    /** Field suffixes of the usage hashes ({@code <server/tool>|calls} ...), see {@link Keys#TOOL_USAGE}. */
    public static final String CALLS = "|calls";
    public static final String ERRORS = "|errors";
    public static final String MS = "|ms";
}
