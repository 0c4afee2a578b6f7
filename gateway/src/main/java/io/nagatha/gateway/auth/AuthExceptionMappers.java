package io.nagatha.gateway.auth;

import io.nagatha.support.rest.ApiException;
import io.nagatha.support.rest.ProblemMappers;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Security failures as problem documents: 401 with a Bearer challenge, 403 for a missing role. */
public class AuthExceptionMappers {

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        Response problem = ProblemMappers.respond(ApiException.unauthorized(
                "send a valid API key as 'Authorization: Bearer <key>'").problem());
        return Response.fromResponse(problem).header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return ProblemMappers.respond(ApiException.forbidden("this needs an admin key").problem());
    }
}
