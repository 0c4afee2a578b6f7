package io.nagatha.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The one answer to a {@link ToolCallRequest}. {@code ok}: the server answered, and {@code content}
 * and {@code isError} are exactly what it said (a tool's own error is {@code ok} with
 * {@code isError: true}). Otherwise {@code code} is one of {@link ErrorCodes} ({@code tool_not_found},
 * {@code upstream_timeout}, {@code upstream_error}, {@code tool_failed}) and {@code error} says why.
 * {@code ms}: time spent in the pool on the call.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolCallResult(
        String callId,
        boolean ok,
        JsonNode content,
        Boolean isError,
        JsonNode structuredContent,
        long ms,
        String code,
        String error) {

    public static ToolCallResult success(String callId, JsonNode content, boolean isError, JsonNode structuredContent, long ms) {
        return new ToolCallResult(callId, true, content, isError, structuredContent, ms, null, null);
    }

    public static ToolCallResult failure(String callId, String code, String error, long ms) {
        return new ToolCallResult(callId, false, null, null, null, ms, code, error);
    }
}
