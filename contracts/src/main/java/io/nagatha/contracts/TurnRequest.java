package io.nagatha.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A user message waiting for an answer: the entry the gateway puts on the turns stream. It carries
 * everything needed to accept the turn, so an agent can finish accepting it when the gateway died
 * right after queuing it; {@code idempotencyKey} is the client's, when it sent one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TurnRequest(
        String turnId,
        String sessionId,
        String userId,
        String messageId,
        String content,
        @JsonProperty("interface") String interfaceType,
        Instant acceptedAt,
        String idempotencyKey) {

    public TurnRequest(String turnId, String sessionId, String userId, String messageId, String content,
            String interfaceType, Instant acceptedAt) {
        this(turnId, sessionId, userId, messageId, content, interfaceType, acceptedAt, null);
    }

    /** The user's message as history keeps it. */
    public Message userMessage() {
        return new Message(messageId, Message.USER, content, interfaceType, turnId, acceptedAt);
    }
}
