package io.nagatha.gateway.rest;

import io.nagatha.contracts.Problem;
import io.nagatha.gateway.client.SessionServiceException;
import io.nagatha.support.rest.ApiException;
import io.nagatha.support.rest.ProblemMappers;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A service behind the gateway that is down, slow or broken is a 503 {@code unavailable} for the client. */
public class UpstreamExceptionMappers {

    private static final Logger LOG = Logger.getLogger(UpstreamExceptionMappers.class);

    @ServerExceptionMapper({FaultToleranceException.class, SessionServiceException.class, ProcessingException.class})
    public Response unavailable(RuntimeException e) {
        LOG.warnf("session service call failed: %s", e.toString());
        Problem problem = ApiException.unavailable("the session service is not answering; try again shortly").problem();
        return Response.fromResponse(ProblemMappers.respond(problem)).header("Retry-After", "5").build();
    }
}
