package io.nagatha.contracts;

/** {@code PATCH /sessions/{id}}: the fields a client may change; null leaves a field as it is. */
public record SessionPatch(String title, String turnPolicy) {
}
