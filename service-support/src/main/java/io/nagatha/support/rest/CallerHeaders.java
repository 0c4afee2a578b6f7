package io.nagatha.support.rest;

import io.nagatha.contracts.Caller;
import jakarta.ws.rs.HeaderParam;

/**
 * The caller as two headers on an internal request: the gateway's REST clients send it
 * ({@code @BeanParam CallerHeaders.of(caller)}), session-service reads it ({@code @BeanParam}).
 */
public class CallerHeaders {

    @HeaderParam(Caller.USER_HEADER)
    public String userId;

    @HeaderParam(Caller.ADMIN_HEADER)
    public String admin;

    public static CallerHeaders of(Caller caller) {
        CallerHeaders headers = new CallerHeaders();
        headers.userId = caller.userId();
        headers.admin = String.valueOf(caller.admin());
        return headers;
    }

    /** The caller the gateway vouches for; a request without one is refused. */
    public Caller caller() {
        if (userId == null || userId.isBlank()) {
            throw ApiException.unauthorized("internal call without " + Caller.USER_HEADER);
        }
        return new Caller(userId, "true".equals(admin));
    }
}
