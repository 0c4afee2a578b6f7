package io.nagatha.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** An interface (cli, discord, websocket, …) attached to a session, with what it told us about itself. */
public record AttachedInterface(String type, Instant attachedAt, JsonNode context) {
}
