package io.nagatha.gateway.client;

import io.nagatha.contracts.AttachRequest;
import io.nagatha.contracts.CreateSessionRequest;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.SessionResult;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The session service's internal API (see session-service's SessionResource). */
@RegisterRestClient(configKey = "session-service")
@RegisterProvider(ProblemResponseMapper.class)
@Path("/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface SessionServiceApi {

    @POST
    SessionResult getOrCreate(CreateSessionRequest request);

    @GET
    @Path("/{id}")
    Session get(@PathParam("id") String id);

    @GET
    @Path("/{id}/messages")
    Page<Message> history(@PathParam("id") String id, @QueryParam("limit") String limit, @QueryParam("before") String before);

    @POST
    @Path("/{id}/interfaces")
    Session attach(@PathParam("id") String id, AttachRequest request);

    @DELETE
    @Path("/{id}/interfaces/{interface}")
    Session detach(@PathParam("id") String id, @PathParam("interface") String interfaceType);
}
