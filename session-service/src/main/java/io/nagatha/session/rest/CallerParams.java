package io.nagatha.session.rest;

import io.nagatha.contracts.Caller;
import io.nagatha.support.rest.ApiException;
import jakarta.ws.rs.HeaderParam;

/** The caller the gateway vouches for, read from its two headers on every internal request. */
public class CallerParams {

    @HeaderParam(Caller.USER_HEADER)
    String userId;

    @HeaderParam(Caller.ADMIN_HEADER)
    String admin;

    public Caller caller() {
        if (userId == null || userId.isBlank()) {
            throw ApiException.unauthorized("internal call without " + Caller.USER_HEADER);
        }
        return new Caller(userId, "true".equals(admin));
    }
}
