package io.nagatha.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Attach an interface to a session (also the public body of {@code POST /sessions/{id}/interfaces}).
 * {@code holder} is set only by a gateway replica for a WebSocket it holds open: the attachment
 * lives as long as that replica does, and is cleared if the replica vanishes without detaching.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttachRequest(@JsonProperty("interface") String interfaceType, JsonNode context, String holder) {

    public AttachRequest(String interfaceType, JsonNode context) {
        this(interfaceType, context, null);
    }
}
