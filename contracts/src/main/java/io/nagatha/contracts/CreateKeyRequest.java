package io.nagatha.contracts;

/** {@code POST /keys} (admin): a new key for {@code userId}, who is created if new. */
public record CreateKeyRequest(String userId, String name, Boolean admin) {
}
