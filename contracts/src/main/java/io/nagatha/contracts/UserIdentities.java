package io.nagatha.contracts;

import java.util.List;

/** A user and every interface identity that maps to them. */
public record UserIdentities(String userId, List<String> identities) {
}
