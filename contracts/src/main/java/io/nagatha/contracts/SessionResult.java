package io.nagatha.contracts;

/** Session-service's answer to get-or-create: the session, and whether it was made just now. */
public record SessionResult(Session session, boolean created) {
}
