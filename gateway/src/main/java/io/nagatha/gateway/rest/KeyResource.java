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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** API keys (admin only). A new key is shown once, in the answer to its creation. */
@Tag(name = "Keys")
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
    @Operation(summary = "Create an API key (admin)", description = "The key is shown only in this answer.")
    @APIResponse(responseCode = "201", description = "`{id, key, userId, name, admin, createdAt}`")
    @APIResponse(responseCode = "403", description = "Needs an admin key (`forbidden`)")
    @POST
    public Response create(CreateKeyRequest body) {
        return Response.status(Response.Status.CREATED).entity(identities.createKey(caller.get(), body)).build();
    }

    @Operation(summary = "List API keys (admin)")
    @APIResponse(responseCode = "403", description = "Needs an admin key (`forbidden`)")
    @GET
    public Page<ApiKey> list() {
        return identities.keys(caller.get());
    }

    @Operation(summary = "Revoke an API key (admin)")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "403", description = "Needs an admin key (`forbidden`)")
    @APIResponse(responseCode = "404", description = "No such key (`not_found`)")
    @DELETE
    @Path("/{id}")
    public Response revoke(@PathParam("id") String id) {
        identities.revokeKey(caller.get(), id);
        return Response.noContent().build();
    }
}
