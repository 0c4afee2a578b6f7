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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The caller's memory (docs/memory.md). An admin may name another user with {@code ?user=}; for
 * anyone else that is refused here, before the session service is asked. The session service
 * checks sections, keys and bodies.
 */
@Tag(name = "Memory")
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

    @Operation(summary = "A memory section's entries", description = "Sections: user_preferences, facts, session_state, command_history, temporary. `user` (admin) reads another user's.")
    @APIResponse(responseCode = "403", description = "`user` names another user and the key is not an admin's (`forbidden`)")
    @GET
    public MemoryEntries list(@PathParam("section") String section, @QueryParam("user") String user) {
        return memory.list(caller.owner(user), section);
    }

    @Operation(summary = "One memory entry")
    @APIResponse(responseCode = "403", description = "`user` names another user and the key is not an admin's (`forbidden`)")
    @APIResponse(responseCode = "404", description = "No such entry (`not_found`)")
    @GET
    @Path("/{key}")
    public MemoryEntry get(@PathParam("section") String section, @PathParam("key") String key, @QueryParam("user") String user) {
        return memory.get(caller.owner(user), section, key);
    }

    @Operation(summary = "Write a memory entry", description = "`{value, ttlSeconds?}`; `temporary` entries default to 1 hour.")
    @APIResponse(responseCode = "403", description = "`user` names another user and the key is not an admin's (`forbidden`)")
    @PUT
    @Path("/{key}")
    public MemoryEntry put(@PathParam("section") String section, @PathParam("key") String key, @QueryParam("user") String user,
            MemoryPut body) {
        return memory.put(caller.owner(user), section, key, body);
    }

    @Operation(summary = "Delete a memory entry")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "403", description = "`user` names another user and the key is not an admin's (`forbidden`)")
    @APIResponse(responseCode = "404", description = "No such entry (`not_found`)")
    @DELETE
    @Path("/{key}")
    public Response delete(@PathParam("section") String section, @PathParam("key") String key, @QueryParam("user") String user) {
        memory.delete(caller.owner(user), section, key);
        return Response.noContent().build();
    }
}
