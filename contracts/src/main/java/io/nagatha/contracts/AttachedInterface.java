package io.nagatha.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * An interface (cli, discord, websocket, …) attached to a session, with what it told us about itself.
 * {@code lastSeen} moves with the interface's activity; {@code holder} is the gateway replica holding
 * its WebSocket, if any. Both decide when an attachment whose client vanished is cleared.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttachedInterface(String type, Instant attachedAt, JsonNode context, Instant lastSeen, String holder) {

    public AttachedInterface seen(Instant at) {
        return new AttachedInterface(type, attachedAt, context, at, holder);
    }
}
