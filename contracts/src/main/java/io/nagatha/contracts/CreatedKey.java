package io.nagatha.contracts;

import java.time.Instant;

/** The answer to creating a key: the only time {@code key} itself is ever shown. */
public record CreatedKey(String id, String key, String userId, String name, boolean admin, Instant createdAt) {
}
