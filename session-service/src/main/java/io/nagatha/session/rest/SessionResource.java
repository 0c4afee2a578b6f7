package io.nagatha.session.rest;

import io.nagatha.support.rest.CallerHeaders;
import io.nagatha.contracts.AttachRequest;
import io.nagatha.contracts.CreateSessionRequest;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.SessionPatch;
import io.nagatha.contracts.SessionResult;
import io.nagatha.session.service.SessionService;
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
import jakarta.ws.rs.core.Response;

/**
 * The session service's internal API, called by the gateway only (a NetworkPolicy keeps everyone
 * else out). The caller comes in {@link CallerHeaders}; ownership is checked here.
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
    public Page<Session> list(@BeanParam CallerHeaders caller, @QueryParam("active") String active,
            @QueryParam("interface") String interfaceType, @QueryParam("user") String user,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return sessions.list(caller.caller(), active, interfaceType, user, limit, cursor);
    }

    @GET
    @Path("/{id}")
    public Session get(@BeanParam CallerHeaders caller, @PathParam("id") String id) {
        return sessions.get(caller.caller(), id);
    }

    @PATCH
    @Path("/{id}")
    public Session patch(@BeanParam CallerHeaders caller, @PathParam("id") String id, SessionPatch patch) {
        return sessions.patch(caller.caller(), id, patch);
    }

    @DELETE
    @Path("/{id}")
    public Response end(@BeanParam CallerHeaders caller, @PathParam("id") String id) {
        sessions.end(caller.caller(), id);
        return Response.noContent().build();
    }

    /** A message is arriving through {@code interface}: records the activity, answers the session. */
    @POST
    @Path("/{id}/activity")
    @Consumes(MediaType.WILDCARD) // no body
    public Session touch(@BeanParam CallerHeaders caller, @PathParam("id") String id, @QueryParam("interface") String interfaceType) {
        return sessions.touch(caller.caller(), id, interfaceType);
    }

    @GET
    @Path("/{id}/messages")
    public Page<Message> history(@BeanParam CallerHeaders caller, @PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("before") String before) {
        return sessions.history(caller.caller(), id, limit, before);
    }

    @POST
    @Path("/{id}/interfaces")
    public Session attach(@BeanParam CallerHeaders caller, @PathParam("id") String id, AttachRequest request) {
        return sessions.attach(caller.caller(), id, request);
    }

    @DELETE
    @Path("/{id}/interfaces/{interface}")
    public Session detach(@BeanParam CallerHeaders caller, @PathParam("id") String id, @PathParam("interface") String interfaceType,
            @QueryParam("connection") String connection) {
        return sessions.detach(caller.caller(), id, interfaceType, connection);
    }
}
