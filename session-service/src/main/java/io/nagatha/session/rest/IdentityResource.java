package io.nagatha.session.rest;

import io.nagatha.support.rest.CallerHeaders;
import io.nagatha.contracts.LinkCode;
import io.nagatha.contracts.LinkRequest;
import io.nagatha.contracts.UserIdentities;
import io.nagatha.session.service.IdentityService;
import io.nagatha.support.rest.ApiException;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Identities and linking (internal API; the gateway vouches for the caller). */
@Path("/identities")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class IdentityResource {

    private final IdentityService identities;

    IdentityResource(IdentityService identities) {
        this.identities = identities;
    }

    /** The caller's user id and identities. */
    @GET
    public UserIdentities mine(@BeanParam CallerHeaders caller) {
        return identities.identitiesOf(caller.caller().userId());
    }

    /** The user behind an identity (admin: the adapters that verified it), made on first sight. */
    @POST
    @Path("/resolve")
    public UserIdentities resolve(@BeanParam CallerHeaders caller, LinkRequest request) {
        if (!caller.caller().admin()) {
            throw ApiException.forbidden("only an admin key may act for an interface identity");
        }
        return identities.resolve(request == null ? null : request.identity());
    }

    @POST
    @Path("/link-codes")
    @Consumes(MediaType.WILDCARD) // no body
    public Response createLinkCode(@BeanParam CallerHeaders caller) {
        LinkCode code = identities.createLinkCode(caller.caller());
        return Response.status(Response.Status.CREATED).entity(code).build();
    }

    @POST
    @Path("/link")
    public UserIdentities link(@BeanParam CallerHeaders caller, LinkRequest request) {
        return identities.link(caller.caller(), request);
    }
}
