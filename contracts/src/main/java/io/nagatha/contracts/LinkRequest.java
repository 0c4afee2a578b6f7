package io.nagatha.contracts;

/** {@code POST /identities/link}: bind {@code identity} (e.g. {@code discord:8035…}) to the code's user. */
public record LinkRequest(String code, String identity) {
}
