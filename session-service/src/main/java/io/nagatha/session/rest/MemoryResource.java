package io.nagatha.session.rest;

import io.nagatha.contracts.MemoryEntries;
import io.nagatha.contracts.MemoryEntry;
import io.nagatha.contracts.MemoryPut;
import io.nagatha.session.service.MemoryService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A user's memory, for the gateway only: it trusts the {@code userId} in the path, which the
 * gateway has already checked against the caller.
 */
@Path("/users/{userId}/memory/{section}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MemoryResource {

    private final MemoryService memory;

    MemoryResource(MemoryService memory) {
        this.memory = memory;
    }

    @GET
    public MemoryEntries list(@PathParam("userId") String userId, @PathParam("section") String section) {
        return memory.list(userId, section);
    }

    @GET
    @Path("/{key}")
    public MemoryEntry get(@PathParam("userId") String userId, @PathParam("section") String section, @PathParam("key") String key) {
        return memory.get(userId, section, key);
    }

    @PUT
    @Path("/{key}")
    public MemoryEntry put(@PathParam("userId") String userId, @PathParam("section") String section, @PathParam("key") String key,
            MemoryPut body) {
        return memory.put(userId, section, key, body);
    }

    @DELETE
    @Path("/{key}")
    public Response delete(@PathParam("userId") String userId, @PathParam("section") String section, @PathParam("key") String key) {
        memory.delete(userId, section, key);
        return Response.noContent().build();
    }
}
