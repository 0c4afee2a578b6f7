package io.nagatha.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** One entry of a session's history: what a user said or what the assistant replied. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Message(
        String id,
        String role,
        String content,
        @JsonProperty("interface") String interfaceType,
        String turnId,
        Instant createdAt) {

    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";
    public static final String TOOL = "tool";
    public static final String SYSTEM = "system";
}
