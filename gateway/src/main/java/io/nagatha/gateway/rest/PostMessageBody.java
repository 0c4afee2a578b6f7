package io.nagatha.gateway.rest;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code POST /api/v1/sessions/{id}/messages}. */
public record PostMessageBody(String content, @JsonProperty("interface") String interfaceType, String idempotencyKey) {
}
