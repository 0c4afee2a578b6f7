package io.nagatha.contracts;

import java.util.Map;
import java.util.TreeMap;

/** Calls of one tool in one scope (session, user or everyone): count, failures, summed latency. */
public record ToolUsage(long calls, long errors, long totalMs) {

    /** Field suffixes of the usage hashes ({@code <server/tool>|calls} ...), see {@link Keys#TOOL_USAGE}. */
    public static final String CALLS = "|calls";
    public static final String ERRORS = "|errors";
    public static final String MS = "|ms";

    /** Reads a usage hash into {@code server/tool} to usage, sorted by tool. */
    public static Map<String, ToolUsage> fromFields(Map<String, String> fields) {
        Map<String, ToolUsage> tools = new TreeMap<>();
        fields.forEach((field, value) -> {
            int bar = field.lastIndexOf('|');
            if (bar > 0) {
                String tool = field.substring(0, bar);
                String suffix = field.substring(bar);
                long n = Long.parseLong(value);
                ToolUsage u = tools.getOrDefault(tool, new ToolUsage(0, 0, 0));
                tools.put(tool, switch (suffix) {
                    case CALLS -> new ToolUsage(n, u.errors(), u.totalMs());
                    case ERRORS -> new ToolUsage(u.calls(), n, u.totalMs());
                    case MS -> new ToolUsage(u.calls(), u.errors(), n);
                    default -> u;
                });
            }
        });
        return tools;
    }
}
