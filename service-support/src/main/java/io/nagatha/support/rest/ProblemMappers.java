package io.nagatha.support.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Problem;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into an RFC 9457 problem: client mistakes into 4xx with a stable code,
 * anything unexpected into a 500 that names a log reference instead of a stack trace.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return respond(e.problem());
    }

    @ServerExceptionMapper
    public Response wrongShape(MismatchedInputException e) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        String detail = field.isEmpty() ? "the body must be a JSON object with this request's fields"
                : "'" + field + "' has the wrong type";
        return respond(Problem.of(400, ErrorCodes.VALIDATION_FAILED, "Invalid request", detail));
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return respond(Problem.of(400, ErrorCodes.VALIDATION_FAILED, "Invalid request",
                "the body is not valid JSON for this request: " + e.getOriginalMessage()));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "Request failed";
        return respond(Problem.of(status, codeFor(status), title, e.getMessage()));
    }

    /** More requests at once than the Redis pool lets wait: overload, so the client may retry shortly. */
    @ServerExceptionMapper
    public Response overloaded(ConnectionPoolTooBusyException e) {
        LOG.warnf("Redis connection pool saturated: %s", e.getMessage());
        return respond(ApiException.unavailable("too many requests at once; try again shortly").problem().retryAfter(1));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        String reference = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error, reference %s", reference);
        return respond(Problem.of(500, ErrorCodes.INTERNAL_ERROR, "Internal error",
                "something went wrong on our side; the service log has the details under reference " + reference));
    }

    public static Response respond(Problem problem) {
        Response.ResponseBuilder response = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
        if (problem.retryAfter() != null) {
            response.header("Retry-After", problem.retryAfter());
        }
        return response.build();
    }

    private static String codeFor(int status) {
        return switch (status) {
            case 400 -> ErrorCodes.VALIDATION_FAILED;
            case 401 -> ErrorCodes.UNAUTHORIZED;
            case 403 -> ErrorCodes.FORBIDDEN;
            case 404 -> ErrorCodes.NOT_FOUND;
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> ErrorCodes.PAYLOAD_TOO_LARGE;
            case 415 -> "unsupported_media_type";
            case 429 -> ErrorCodes.RATE_LIMITED;
            default -> "request_failed";
        };
    }
}
