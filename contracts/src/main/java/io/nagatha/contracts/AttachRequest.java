package io.nagatha.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** Attach an interface to a session (also the public body of {@code POST /sessions/{id}/interfaces}). */
public record AttachRequest(@JsonProperty("interface") String interfaceType, JsonNode context) {
}
