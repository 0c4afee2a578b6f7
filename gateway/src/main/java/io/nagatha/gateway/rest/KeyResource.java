package io.nagatha.gateway.rest;

import io.nagatha.contracts.ApiKey;
import io.nagatha.contracts.CreateKeyRequest;
import io.nagatha.contracts.Page;
import io.nagatha.gateway.auth.CurrentCaller;
import io.nagatha.gateway.client.IdentityClient;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** API keys (admin only). A new key is shown once, in the answer to its creation. */
@Path("/api/v1/keys")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class KeyResource {

    private final IdentityClient identities;
    private final CurrentCaller caller;

    KeyResource(IdentityClient identities, CurrentCaller caller) {
        this.identities = identities;
        this.caller = caller;
    }

    /** 201 {@code {id, key, userId, name, admin, createdAt}}. */
    @POST
    public Response create(CreateKeyRequest body) {
        return Response.status(Response.Status.CREATED).entity(identities.createKey(caller.get(), body)).build();
    }

    @GET
    public Page<ApiKey> list() {
        return identities.keys(caller.get());
    }

    @DELETE
    @Path("/{id}")
    public Response revoke(@PathParam("id") String id) {
        identities.revokeKey(caller.get(), id);
        return Response.noContent().build();
    }
}
