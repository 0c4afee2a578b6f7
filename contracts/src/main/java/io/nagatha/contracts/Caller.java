package io.nagatha.contracts;

/**
 * Who is asking, as the gateway established it from the API key. The gateway passes it to the
 * internal services in two headers; they trust it because only the gateway can reach them.
 */
public record Caller(String userId, boolean admin) {

    public static final String USER_HEADER = "X-Nagatha-User";
    public static final String ADMIN_HEADER = "X-Nagatha-Admin";

    /** May this caller act on data that belongs to {@code ownerId}? */
    public boolean mayAccess(String ownerId) {
        return admin || userId.equals(ownerId);
    }
}
