package io.nagatha.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * An API key as stored: never the key itself, only its SHA-256 ({@code hash}), which the gateway
 * compares in constant time. {@link #visible()} is the form shown in listings.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKey(String id, String userId, String name, boolean admin, Instant createdAt, String hash) {

    @JsonIgnore
    public ApiKey visible() {
        return new ApiKey(id, userId, name, admin, createdAt, null);
    }
}
