package io.nagatha.gateway.rest;

import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.UsageReport;
import io.nagatha.gateway.service.UsageService;
import io.nagatha.support.rest.ApiException;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Usage of one session or one user: turns, tokens and tool calls. A user sees their own; only an
 * admin may name another user, and a session that is not the caller's is answered as not found.
 */
@Path("/api/v1/usage")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class UsageResource {

    private final UsageService usage;
    private final SecurityIdentity identity;

    UsageResource(UsageService usage, SecurityIdentity identity) {
        this.usage = usage;
        this.identity = identity;
    }

    @GET
    public UsageReport get(@QueryParam("sessionId") String sessionId, @QueryParam("user") String user) {
        boolean admin = identity.hasRole("admin");
        String caller = identity.getPrincipal().getName();
        if (user != null && !admin && !user.equals(caller)) {
            throw ApiException.of(403, ErrorCodes.FORBIDDEN, "Forbidden", "only an admin may read another user's usage");
        }
        if (user != null && !Ids.isValid(user)) {
            throw ApiException.invalid("user is not a valid id");
        }
        if (sessionId != null) {
            if (!Ids.isValid(sessionId)) {
                throw ApiException.sessionNotFound(sessionId);
            }
            String owner = usage.owner(sessionId).orElseThrow(() -> ApiException.sessionNotFound(sessionId));
            if (!admin && !owner.equals(caller) || user != null && !owner.equals(user)) {
                throw ApiException.sessionNotFound(sessionId);
            }
            return usage.ofSession(sessionId);
        }
        return usage.ofUser(user != null ? user : caller);
    }
}
