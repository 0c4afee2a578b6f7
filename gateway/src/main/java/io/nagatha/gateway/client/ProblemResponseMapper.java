package io.nagatha.gateway.client;

import io.nagatha.contracts.Problem;
import io.nagatha.support.rest.ApiException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Relays a client mistake that the session service found (its problem document, as is) to our
 * client; a failure of the session service itself becomes an upstream error of ours.
 */
public class ProblemResponseMapper implements ResponseExceptionMapper<RuntimeException> {

    @Override
    public RuntimeException toThrowable(Response response) {
        int status = response.getStatus();
        if (status >= 400 && status < 500) {
            try {
                Problem problem = response.readEntity(Problem.class);
                if (problem != null && problem.code() != null) {
                    return new ApiException(problem);
                }
            } catch (RuntimeException unreadable) {
                // fall through: not a problem document
            }
        }
        return new SessionServiceException("session service answered " + status);
    }
}
