package io.nagatha.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem detail, with Nagatha's stable {@code code} (see {@link ErrorCodes}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code, String instance,
        Long retryAfter) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://nagatha.dev/problems/";

    public static Problem of(int status, String code, String title, String detail) {
        return new Problem(TYPE_BASE + code.replace('_', '-'), title, status, detail, code, null, null);
    }

    /** The same problem, telling the client how many seconds to wait before trying again. */
    public Problem retryAfter(long seconds) {
        return new Problem(type, title, status, detail, code, instance, seconds);
    }
}
