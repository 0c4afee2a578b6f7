package io.nagatha.gateway.client;

import io.nagatha.contracts.AttachRequest;
import io.nagatha.contracts.CreateSessionRequest;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.SessionPatch;
import io.nagatha.contracts.SessionResult;
import io.nagatha.support.rest.CallerHeaders;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The session service's internal session API (see session-service's SessionResource). Every call
 * names the caller in two headers; session-service checks ownership.
 */
@RegisterRestClient(configKey = "session-service")
@RegisterProvider(ProblemResponseMapper.class)
@Path("/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface SessionServiceApi {

    @POST
    SessionResult getOrCreate(CreateSessionRequest request);

    @GET
    Page<Session> list(@BeanParam CallerHeaders caller, @QueryParam("active") String active, @QueryParam("interface") String interfaceType,
            @QueryParam("user") String owner, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor);

    @GET
    @Path("/{id}")
    Session get(@BeanParam CallerHeaders caller, @PathParam("id") String id);

    @PATCH
    @Path("/{id}")
    Session patch(@BeanParam CallerHeaders caller, @PathParam("id") String id, SessionPatch patch);

    @DELETE
    @Path("/{id}")
    void end(@BeanParam CallerHeaders caller, @PathParam("id") String id);

    @POST
    @Path("/{id}/activity")
    Session touch(@BeanParam CallerHeaders caller, @PathParam("id") String id, @QueryParam("interface") String interfaceType);

    @GET
    @Path("/{id}/messages")
    Page<Message> history(@BeanParam CallerHeaders caller, @PathParam("id") String id, @QueryParam("limit") String limit, @QueryParam("before") String before);

    @POST
    @Path("/{id}/interfaces")
    Session attach(@BeanParam CallerHeaders caller, @PathParam("id") String id, AttachRequest request);

    @DELETE
    @Path("/{id}/interfaces/{interface}")
    Session detach(@BeanParam CallerHeaders caller, @PathParam("id") String id, @PathParam("interface") String interfaceType,
            @QueryParam("connection") String connection);
}
