package io.nagatha.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One entry of a user's memory section; {@code expiresAt} is null for an entry kept until deleted. */
public record MemoryEntry(String key, JsonNode value, Instant expiresAt) {
}
