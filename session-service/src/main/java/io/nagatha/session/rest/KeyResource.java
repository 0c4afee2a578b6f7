package io.nagatha.session.rest;

import io.nagatha.support.rest.CallerHeaders;
import io.nagatha.contracts.ApiKey;
import io.nagatha.contracts.CreateKeyRequest;
import io.nagatha.contracts.Page;
import io.nagatha.session.service.KeyService;
import io.nagatha.support.rest.ApiException;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** API keys, for admins (checked at the gateway and again here). */
@Path("/keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class KeyResource {

    private final KeyService keys;

    KeyResource(KeyService keys) {
        this.keys = keys;
    }

    @POST
    public Response create(@BeanParam CallerHeaders caller, CreateKeyRequest request) {
        requireAdmin(caller);
        return Response.status(Response.Status.CREATED).entity(keys.create(request)).build();
    }

    @GET
    public Page<ApiKey> list(@BeanParam CallerHeaders caller) {
        requireAdmin(caller);
        return new Page<>(keys.list(), null);
    }

    @DELETE
    @Path("/{id}")
    public Response revoke(@BeanParam CallerHeaders caller, @PathParam("id") String id) {
        requireAdmin(caller);
        keys.revoke(id);
        return Response.noContent().build();
    }

    private static void requireAdmin(CallerHeaders caller) {
        if (!caller.caller().admin()) {
            throw ApiException.forbidden("only an admin key may manage keys");
        }
    }
}
