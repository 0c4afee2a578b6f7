package io.nagatha.gateway.client;

import io.nagatha.contracts.MemoryEntries;
import io.nagatha.contracts.MemoryEntry;
import io.nagatha.contracts.MemoryPut;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The session service's internal memory API (see session-service's MemoryResource). */
@RegisterRestClient(configKey = "session-service")
@RegisterProvider(ProblemResponseMapper.class)
@Path("/users/{userId}/memory/{section}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface MemoryServiceApi {

    @GET
    MemoryEntries list(@PathParam("userId") String userId, @PathParam("section") String section);

    @GET
    @Path("/{key}")
    MemoryEntry get(@PathParam("userId") String userId, @PathParam("section") String section, @PathParam("key") String key);

    @PUT
    @Path("/{key}")
    MemoryEntry put(@PathParam("userId") String userId, @PathParam("section") String section, @PathParam("key") String key,
            MemoryPut body);

    @DELETE
    @Path("/{key}")
    void delete(@PathParam("userId") String userId, @PathParam("section") String section, @PathParam("key") String key);
}
