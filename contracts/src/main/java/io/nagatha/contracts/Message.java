package io.nagatha.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * One entry of a session's history: what a user said, what the assistant replied, or what a tool
 * answered. An assistant reply that used tools lists them in {@code toolCalls}; a {@code tool}
 * message carries the {@code callId} it answers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Message(
        String id,
        String role,
        String content,
        @JsonProperty("interface") String interfaceType,
        String turnId,
        Instant createdAt,
        List<MessageToolCall> toolCalls,
        String callId) {

    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";
    public static final String TOOL = "tool";
    public static final String SYSTEM = "system";

    public Message(String id, String role, String content, String interfaceType, String turnId, Instant createdAt) {
        this(id, role, content, interfaceType, turnId, createdAt, null, null);
    }
}
