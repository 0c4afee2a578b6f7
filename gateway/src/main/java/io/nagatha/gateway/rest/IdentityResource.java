package io.nagatha.gateway.rest;

import io.nagatha.contracts.LinkCode;
import io.nagatha.contracts.LinkRequest;
import io.nagatha.contracts.UserIdentities;
import io.nagatha.gateway.auth.CurrentCaller;
import io.nagatha.gateway.client.IdentityClient;
import io.nagatha.gateway.client.SessionClient;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * One person across interfaces: the caller's identities, link codes, and linking another identity
 * (e.g. a Discord account) to the caller's user.
 */
@Tag(name = "Identities")
@Path("/api/v1/identities")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class IdentityResource {

    private final IdentityClient identities;
    private final SessionClient sessions;
    private final CurrentCaller caller;

    IdentityResource(IdentityClient identities, SessionClient sessions, CurrentCaller caller) {
        this.identities = identities;
        this.sessions = sessions;
        this.caller = caller;
    }

    /** The caller's user id and every identity linked to it. */
    @Operation(summary = "The caller's user id and linked identities")
    @GET
    public UserIdentities mine() {
        return identities.identities(caller.get());
    }

    /** {@code {code, expiresAt}}: single use, valid 10 minutes (configurable). */
    @Operation(summary = "A one-time link code", description = "Single use, valid 10 minutes.")
    @POST
    @Path("/link-codes")
    @Consumes(MediaType.WILDCARD) // no body
    public LinkCode createLinkCode() {
        return identities.createLinkCode(caller.get());
    }

    /** Binds {@code identity} to the code's user: {@code {userId, identities}}. */
    @Operation(summary = "Link an identity with a code", description = "A normal key may only link an identity it already holds; 5 wrong codes in 10 minutes answer 429.")
    @APIResponse(responseCode = "400", description = "Unknown, used or expired code (`link_code_invalid`)")
    @APIResponse(responseCode = "403", description = "The identity is not the caller's (`forbidden`)")
    @POST
    @Path("/link")
    public UserIdentities link(LinkRequest body) {
        return identities.link(caller.get(), body);
    }

    /** Admin: the user behind an identity, made on first sight (what an adapter calls before acting for it). */
    @Operation(summary = "The user behind an identity (admin)", description = "A first-seen identity becomes a new user; adapters call this before acting for it.")
    @APIResponse(responseCode = "403", description = "Needs an admin key (`forbidden`)")
    @POST
    @Path("/resolve")
    @RolesAllowed("admin")
    public UserIdentities resolve(LinkRequest body) {
        return sessions.resolve(caller.get(), body == null ? null : body.identity());
    }
}
