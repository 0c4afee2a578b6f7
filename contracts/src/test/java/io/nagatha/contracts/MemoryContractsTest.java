package io.nagatha.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryContractsTest {

    @Test
    void ttlSecondsIsReadFromAWholeJsonNumberOnly() {
        assertEquals(60L, Json.decode("{\"value\": 1, \"ttlSeconds\": 60}", MemoryPut.class).ttlSeconds());
        assertNull(Json.decode("{\"value\": 1}", MemoryPut.class).ttlSeconds());
        assertNull(Json.decode("{\"value\": 1, \"ttlSeconds\": null}", MemoryPut.class).ttlSeconds());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"60\"", "1.5", "60.0", "true", "[60]", "{\"s\": 60}"})
    void ttlSecondsOfAnotherShapeIsRefused(String ttl) {
        assertThrows(IllegalArgumentException.class,
                () -> Json.decode("{\"value\": 1, \"ttlSeconds\": " + ttl + "}", MemoryPut.class));
    }

    @Test
    void aValueMayBeAnyJsonAndAnExplicitNullStaysDistinguishable() {
        assertEquals(new TextNode("tea"), Json.decode("{\"value\": \"tea\"}", MemoryPut.class).value());
        assertEquals(3, Json.decode("{\"value\": [1, 2, 3]}", MemoryPut.class).value().size());
        assertTrue(Json.decode("{\"value\": null}", MemoryPut.class).value().isNull());
        assertNull(Json.decode("{}", MemoryPut.class).value());
    }

    @Test
    void anEntryWithoutExpiryCarriesAnExplicitNull() {
        JsonNode json = Json.tree(new MemoryEntry("tz", new TextNode("UTC"), null));
        assertTrue(json.has("expiresAt") && json.get("expiresAt").isNull());
        JsonNode expiring = Json.tree(new MemoryEntry("tz", new TextNode("UTC"), Instant.parse("2026-11-24T10:00:00Z")));
        assertEquals("2026-11-24T10:00:00Z", expiring.get("expiresAt").asText());
    }

    @Test
    void keysOfOneUsersMemoryShareTheUsersHashTag() {
        assertEquals("nagatha:user:{u_1}:memory:facts", Keys.memorySection("u_1", "facts"));
        assertEquals("nagatha:user:{u_1}:memory:facts:home.city", Keys.memoryEntry("u_1", "facts", "home.city"));
    }
}
