package io.nagatha.session.rest;

import io.nagatha.contracts.AttachRequest;
import io.nagatha.contracts.CreateSessionRequest;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.SessionResult;
import io.nagatha.session.service.SessionService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The session service's internal API, called by the gateway (never by clients directly: it trusts
 * the {@code userId} it is given). Errors are problem documents the gateway passes on.
 */
@Path("/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final SessionService sessions;

    SessionResource(SessionService sessions) {
        this.sessions = sessions;
    }

    /** 201 with a new session, or 200 with the user's active one (mode continue). */
    @POST
    public Response getOrCreate(CreateSessionRequest request) {
        SessionResult result = sessions.getOrCreate(request);
        return Response.status(result.created() ? Response.Status.CREATED : Response.Status.OK).entity(result).build();
    }

    @GET
    @Path("/{id}")
    public Session get(@PathParam("id") String id) {
        return sessions.get(id);
    }

    @GET
    @Path("/{id}/messages")
    public Page<Message> history(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("before") String before) {
        return sessions.history(id, limit, before);
    }

    @POST
    @Path("/{id}/interfaces")
    public Session attach(@PathParam("id") String id, AttachRequest request) {
        return sessions.attach(id, request);
    }

    @DELETE
    @Path("/{id}/interfaces/{interface}")
    public Session detach(@PathParam("id") String id, @PathParam("interface") String interfaceType) {
        return sessions.detach(id, interfaceType);
    }
}
