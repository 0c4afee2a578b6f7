package io.nagatha.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** A user message waiting for an answer: the entry the gateway puts on the turns stream. */
public record TurnRequest(
        String turnId,
        String sessionId,
        String userId,
        String messageId,
        String content,
        @JsonProperty("interface") String interfaceType,
        Instant acceptedAt) {
}
