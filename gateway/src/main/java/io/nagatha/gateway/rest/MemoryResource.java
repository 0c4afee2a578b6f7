package io.nagatha.gateway.rest;

import io.nagatha.contracts.MemoryEntries;
import io.nagatha.contracts.MemoryEntry;
import io.nagatha.contracts.MemoryPut;
import io.nagatha.gateway.auth.CurrentCaller;
import io.nagatha.gateway.client.MemoryClient;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The caller's memory (docs/memory.md). An admin may name another user with {@code ?user=}; for
 * anyone else that is refused here, before the session service is asked. The session service
 * checks sections, keys and bodies.
 */
@Path("/api/v1/memory/{section}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Authenticated
public class MemoryResource {

    private final MemoryClient memory;
    private final CurrentCaller caller;

    MemoryResource(MemoryClient memory, CurrentCaller caller) {
        this.memory = memory;
        this.caller = caller;
    }

    @GET
    public MemoryEntries list(@PathParam("section") String section, @QueryParam("user") String user) {
        return memory.list(caller.owner(user), section);
    }

    @GET
    @Path("/{key}")
    public MemoryEntry get(@PathParam("section") String section, @PathParam("key") String key, @QueryParam("user") String user) {
        return memory.get(caller.owner(user), section, key);
    }

    @PUT
    @Path("/{key}")
    public MemoryEntry put(@PathParam("section") String section, @PathParam("key") String key, @QueryParam("user") String user,
            MemoryPut body) {
        return memory.put(caller.owner(user), section, key, body);
    }

    @DELETE
    @Path("/{key}")
    public Response delete(@PathParam("section") String section, @PathParam("key") String key, @QueryParam("user") String user) {
        memory.delete(caller.owner(user), section, key);
        return Response.noContent().build();
    }
}
