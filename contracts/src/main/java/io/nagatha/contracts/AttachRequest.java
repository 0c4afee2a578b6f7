package io.nagatha.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Attach an interface to a session (also the public body of {@code POST /sessions/{id}/interfaces}).
 * {@code holder} and {@code connection} are set only by a gateway replica for a WebSocket it holds
 * open: {@code connection} names the socket (unique across replicas), so the interface stays
 * attached while any of its sockets is open on any replica, and {@code holder} is that replica, so
 * the socket is cleared if the replica vanishes without detaching.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttachRequest(@JsonProperty("interface") String interfaceType, JsonNode context, String holder,
        String connection) {

    public AttachRequest(String interfaceType, JsonNode context) {
        this(interfaceType, context, null, null);
    }
}
