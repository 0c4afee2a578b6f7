package io.nagatha.gateway.rest;

import io.nagatha.contracts.Ids;
import io.nagatha.contracts.UsageReport;
import io.nagatha.gateway.auth.CurrentCaller;
import io.nagatha.gateway.service.UsageService;
import io.nagatha.support.rest.ApiException;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Usage of one session or one user: turns, tokens and tool calls. A user sees their own; only an
 * admin may name another user, and a session that is not the caller's is answered as not found.
 */
@Tag(name = "Usage")
@Path("/api/v1/usage")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class UsageResource {

    private final UsageService usage;
    private final CurrentCaller caller;

    UsageResource(UsageService usage, CurrentCaller caller) {
        this.usage = usage;
        this.caller = caller;
    }

    @Operation(summary = "Turns, tokens and tool calls of a session or a user", description = "Default: the caller's, summed over their sessions; `user` other than yourself is admin-only.")
    @APIResponse(responseCode = "403", description = "`user` names another user and the key is not an admin's (`forbidden`)")
    @APIResponse(responseCode = "404", description = "`sessionId` is not the caller's session (`session_not_found`)")
    @GET
    public UsageReport get(@QueryParam("sessionId") String sessionId, @QueryParam("user") String user) {
        boolean admin = caller.get().admin();
        String owner = caller.owner(user);
        if (user != null && !Ids.isValid(user)) {
            throw ApiException.invalid("user is not a valid id");
        }
        if (sessionId != null) {
            if (!Ids.isValid(sessionId)) {
                throw ApiException.sessionNotFound(sessionId);
            }
            String sessionOwner = usage.owner(sessionId).orElseThrow(() -> ApiException.sessionNotFound(sessionId));
            if (!admin && !sessionOwner.equals(owner) || user != null && !sessionOwner.equals(user)) {
                throw ApiException.sessionNotFound(sessionId);
            }
            return usage.ofSession(sessionId);
        }
        return usage.ofUser(owner);
    }
}
