package io.nagatha.contracts;

import java.time.Instant;

/** A single-use code that binds another identity to the user who asked for it. */
public record LinkCode(String code, Instant expiresAt) {
}
