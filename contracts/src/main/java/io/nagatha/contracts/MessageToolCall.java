package io.nagatha.contracts;

import com.fasterxml.jackson.databind.JsonNode;

/** A tool call an assistant reply made, as API.md's {@code Message.toolCalls} lists it. */
public record MessageToolCall(String callId, String server, String tool, JsonNode arguments) {
}
