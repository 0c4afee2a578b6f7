package io.nagatha.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * The body of a memory write: any JSON {@code value} except null, and an optional lifetime in whole
 * seconds (the session service applies the section's default and the bounds when it is missing).
 */
public record MemoryPut(JsonNode value, @JsonDeserialize(using = WholeNumberDeserializer.class) Long ttlSeconds) {
}
