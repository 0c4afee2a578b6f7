package io.nagatha.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** Gateway to session-service: get or create a session for a user. {@code mode} is continue or new. */
public record CreateSessionRequest(
        String userId,
        @JsonProperty("interface") String interfaceType,
        String mode,
        String title,
        JsonNode context) {

    public static final String MODE_CONTINUE = "continue";
    public static final String MODE_NEW = "new";
}
