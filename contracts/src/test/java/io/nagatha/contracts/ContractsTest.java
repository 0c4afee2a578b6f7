package io.nagatha.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ContractsTest {

    @Test
    void aMessageUsesTheApiFieldNames() {
        Message message = new Message("m_1", Message.USER, "hi", "discord", "t_1", Instant.parse("2026-11-24T10:15:30Z"));
        JsonNode json = Json.tree(message);
        assertEquals("discord", json.get("interface").asText());
        assertEquals("2026-11-24T10:15:30Z", json.get("createdAt").asText());
        assertEquals(message, Json.decode(Json.encode(message), Message.class));
    }

    @Test
    void anEventGetsItsIdFromTheStreamEntry() {
        Event event = Event.turnAccepted("s_1", "t_1", "m_1", "cli", "hello");
        String stored = Json.encode(event);
        assertFalse(Json.MAPPER.valueToTree(event).has("id"), "an unwritten event has no id");
        Event read = Event.decode("1700000000000-3", stored);
        assertEquals("1700000000000-3", read.id());
        assertEquals("turn.accepted", read.type());
        assertEquals("cli", read.data().get("interface").asText());
        assertEquals("hello", read.data().get("content").asText());
    }

    @Test
    void eventIdsOrderLikeTheStream() {
        assertTrue(EventIds.isAfter("1700000000001-0", "1700000000000-9"));
        assertTrue(EventIds.isAfter("1700000000000-10", "1700000000000-9"));
        assertFalse(EventIds.isAfter("1700000000000-9", "1700000000000-9"));
        assertTrue(EventIds.isValid("0-0"));
        assertFalse(EventIds.isValid("yesterday"));
        assertFalse(EventIds.isValid("1-"));
        assertFalse(EventIds.isValid("99999999999999999999-0"));
        assertFalse(EventIds.isValid(null));
    }

    @Test
    void keysOfOneSessionShareAHashTag() {
        for (String key : new String[] {Keys.session("s_1"), Keys.events("s_1"), Keys.history("s_1"), Keys.turn("s_1", "t_9"),
                Keys.sessionInterfaces("s_1"), Keys.idempotency("s_1", "k")}) {
            assertEquals("s_1", key.substring(key.indexOf('{') + 1, key.indexOf('}')), key);
        }
    }

    @Test
    void idsAreSafeForKeysAndOutsideIdsAreChecked() {
        assertTrue(Ids.isValid(Ids.session()));
        assertTrue(Ids.session().startsWith("s_"));
        assertFalse(Ids.isValid("a}b"));
        assertFalse(Ids.isValid(""));
        assertFalse(Ids.isValid("x".repeat(65)));
    }

    @Test
    void undecodableJsonIsAnIllegalArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.decode("{oops", TurnRequest.class));
        assertTrue(e.getMessage().startsWith("not a valid TurnRequest"));
        assertNull(Json.decode("{}", TurnRequest.class).turnId());
    }
}
