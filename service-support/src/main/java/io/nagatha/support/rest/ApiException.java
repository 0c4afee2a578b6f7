package io.nagatha.support.rest;

import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Problem;

/**
 * An error a client can act on, answered as an RFC 9457 problem. Thrown for flow control, so it
 * carries no stack trace.
 */
public class ApiException extends RuntimeException {

    private final transient Problem problem;

    public ApiException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static ApiException of(int status, String code, String title, String detail) {
        return new ApiException(Problem.of(status, code, title, detail));
    }

    public static ApiException invalid(String detail) {
        return of(400, ErrorCodes.VALIDATION_FAILED, "Invalid request", detail);
    }

    public static ApiException sessionNotFound(String sessionId) {
        return of(404, ErrorCodes.SESSION_NOT_FOUND, "Session not found", "no session with id " + sessionId);
    }

    public static ApiException notFound(String detail) {
        return of(404, ErrorCodes.NOT_FOUND, "Not found", detail);
    }

    public static ApiException forbidden(String detail) {
        return of(403, ErrorCodes.FORBIDDEN, "Forbidden", detail);
    }

    public static ApiException unauthorized(String detail) {
        return of(401, ErrorCodes.UNAUTHORIZED, "Unauthorized", detail);
    }

    public static ApiException rateLimited(String detail, long retryAfterSeconds) {
        return new ApiException(Problem.of(429, ErrorCodes.RATE_LIMITED, "Too many requests", detail)
                .retryAfter(Math.max(1, retryAfterSeconds)));
    }

    public static ApiException tooLarge(String detail) {
        return of(413, ErrorCodes.PAYLOAD_TOO_LARGE, "Payload too large", detail);
    }

    public static ApiException unavailable(String detail) {
        return of(503, ErrorCodes.UNAVAILABLE, "Service unavailable", detail);
    }
}
