package io.nagatha.gateway.rest;

import io.nagatha.contracts.AttachRequest;
import io.nagatha.contracts.SessionPatch;
import io.nagatha.gateway.auth.CurrentCaller;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.PATCH;
import io.nagatha.contracts.CreateSessionRequest;
import io.nagatha.contracts.EventIds;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.SessionResult;
import io.nagatha.gateway.client.SessionClient;
import io.nagatha.gateway.service.RateLimiter;
import io.nagatha.gateway.service.TurnService;
import io.nagatha.gateway.stream.SseStreams;
import io.nagatha.support.rest.ApiException;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Sessions, their history, their messages and their live events: the heart of API.md. */
@Tag(name = "Sessions")
@Path("/api/v1/sessions")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final SessionClient sessions;
    private final TurnService turns;
    private final SseStreams streams;
    private final RateLimiter limiter;
    private final CurrentCaller caller;

    SessionResource(SessionClient sessions, TurnService turns, SseStreams streams, RateLimiter limiter, CurrentCaller caller) {
        this.sessions = sessions;
        this.turns = turns;
        this.streams = streams;
        this.limiter = limiter;
        this.caller = caller;
    }

    /**
     * 201 with a new session, or 200 with the caller's active one ({@code mode: continue}). The body
     * is {@code {interface, mode?, title?, context?}}; the user is always the caller.
     */
    @Operation(summary = "Continue the active session or start one", description = "`mode: continue` (default) answers 200 with the caller's active session, whatever interface used it, with this interface attached; `mode: new` answers 201 with a fresh one.")
    @APIResponse(responseCode = "200", description = "The caller's active session")
    @APIResponse(responseCode = "201", description = "A new session")
    @POST
    public Response create(CreateSessionRequest body) {
        if (body == null) {
            throw ApiException.invalid("a body with 'interface' is required");
        }
        SessionResult result = sessions.getOrCreate(new CreateSessionRequest(caller.get().userId(), body.interfaceType(), body.mode(),
                body.title(), body.context()));
        return Response.status(result.created() ? Response.Status.CREATED : Response.Status.OK).entity(result.session()).build();
    }

    /** The caller's sessions, newest first; an admin may name another {@code user}. */
    @Operation(summary = "List the caller's sessions, newest first", description = "`user` (admin) lists another user's; `limit` 1–200 (default 50); pass `nextCursor` as `cursor`.")
    @APIResponse(responseCode = "403", description = "`user` names another user and the key is not an admin's (`forbidden`)")
    @GET
    public Page<Session> list(@QueryParam("active") String active, @QueryParam("interface") String interfaceType,
            @QueryParam("user") String user, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return sessions.list(caller.get(), active, interfaceType, user, limit, cursor);
    }

    @Operation(summary = "One session")
    @APIResponse(responseCode = "404", description = "No such session, or another user's (`session_not_found`)")
    @GET
    @Path("/{id}")
    public Session get(@PathParam("id") String id) {
        return sessions.get(caller.get(), id);
    }

    @Operation(summary = "Rename a session or set its turn policy", description = "`title` (empty removes it), `turnPolicy`: queue, reject or interrupt.")
    @APIResponse(responseCode = "404", description = "No such session, or another user's (`session_not_found`)")
    @PATCH
    @Path("/{id}")
    public Session patch(@PathParam("id") String id, SessionPatch body) {
        return sessions.patch(caller.get(), id, body);
    }

    /** 204: the session ends ({@code session.ended} to its clients); its history stays readable until it expires. */
    @Operation(summary = "End a session", description = "Its clients get `session.ended`; its history stays readable until it expires.")
    @APIResponse(responseCode = "204", description = "Ended")
    @APIResponse(responseCode = "404", description = "No such session, or another user's (`session_not_found`)")
    @DELETE
    @Path("/{id}")
    public Response end(@PathParam("id") String id) {
        sessions.end(caller.get(), id);
        return Response.noContent().build();
    }

    @Operation(summary = "A page of the session's history, newest last", description = "`limit` 1–200, `before` = a previous page's `nextCursor`.")
    @APIResponse(responseCode = "404", description = "No such session, or another user's (`session_not_found`)")
    @GET
    @Path("/{id}/messages")
    public Page<Message> history(@PathParam("id") String id, @QueryParam("limit") String limit, @QueryParam("before") String before) {
        return sessions.history(caller.get(), id, limit, before);
    }

    @Operation(summary = "Attach an interface", description = "Every client of the session gets a `presence` event.")
    @APIResponse(responseCode = "404", description = "No such session, or another user's (`session_not_found`)")
    @APIResponse(responseCode = "409", description = "The session has ended (`session_ended`)")
    @POST
    @Path("/{id}/interfaces")
    public Session attach(@PathParam("id") String id, AttachRequest body) {
        // session-service validates the body, a missing one included; only a gateway socket sets a holder.
        AttachRequest request = body == null ? null : new AttachRequest(body.interfaceType(), body.context());
        return sessions.attach(caller.get(), id, request);
    }

    @Operation(summary = "Detach an interface")
    @APIResponse(responseCode = "404", description = "No such session, or another user's (`session_not_found`)")
    @DELETE
    @Path("/{id}/interfaces/{interface}")
    public Session detach(@PathParam("id") String id, @PathParam("interface") String interfaceType) {
        return sessions.detach(caller.get(), id, interfaceType);
    }

    /**
     * 202 {@code {turnId, messageId}} at once; with {@code ?wait=N} and the turn finished within N
     * seconds, 200 with the {@code reply} (or the turn's {@code error}).
     */
    @Operation(summary = "Send a message: start a turn", description = "202 `{turnId, messageId}` at once; with `?wait=N` (0–120 s) and the turn done in time, 200 with `reply` (or `error`). The same `idempotencyKey` within 24 h returns the first turn. Counts against the turn budget as well as the request budget.")
    @APIResponse(responseCode = "200", description = "The turn finished within `wait`: `{turnId, messageId, reply}` or `{turnId, messageId, error}`")
    @APIResponse(responseCode = "202", description = "Accepted: `{turnId, messageId}`; the reply arrives as events")
    @APIResponse(responseCode = "404", description = "No such session, or another user's (`session_not_found`)")
    @APIResponse(responseCode = "409", description = "The session has ended (`session_ended`), or another turn runs and the session's policy is `reject` (`turn_in_progress`)")
    @POST
    @Path("/{id}/messages")
    @Blocking
    public Uni<Response> post(@PathParam("id") String id, @QueryParam("wait") String wait, PostMessageBody body) {
        if (body == null) {
            throw ApiException.invalid("a body with 'content' is required");
        }
        Duration waitFor = turns.parseWait(wait);
        limiter.check(caller.get().userId(), RateLimiter.Budget.TURNS);
        TurnService.Accepted accepted = turns.accept(caller.get(), id, body.content(), body.interfaceType(), body.idempotencyKey());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("turnId", accepted.turnId());
        answer.put("messageId", accepted.messageId());
        if (waitFor.isZero()) {
            return Uni.createFrom().item(Response.accepted(answer).build());
        }
        return turns.awaitOutcome(id, accepted, waitFor).map(outcome -> {
            if (outcome.isEmpty()) {
                return Response.accepted(answer).build();
            }
            if (outcome.get().reply() != null) {
                answer.put("reply", outcome.get().reply());
            } else {
                answer.put("error", Map.of("code", outcome.get().errorCode(), "message", outcome.get().errorMessage()));
            }
            return Response.ok(answer).build();
        });
    }

    /**
     * The session's events as Server-Sent Events: {@code id:} is the event id, {@code event:} its
     * type. After a reconnect, {@code Last-Event-ID} (or {@code ?since=}) replays what was missed.
     */
    @Operation(summary = "The session's live events (Server-Sent Events)", description = "`id:` is the event id, `event:` its type, `data:` the event JSON. `Last-Event-ID` (or `?since=`) replays what was missed first, after a `resume.gap` event when that id is older than the stream keeps. A comment line every 15 s keeps proxies from closing an idle stream; a client too slow to read loses `message.delta` events (never the `message`) and is then cut off, to reconnect with `Last-Event-ID`.")
    @APIResponse(responseCode = "400", description = "`since` / `Last-Event-ID` is not an event id (`validation_failed`)")
    @APIResponse(responseCode = "404", description = "No such session, or another user's (`session_not_found`)")
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> events(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId,
            @QueryParam("since") String since, @Context Sse sse) {
        String from = lastEventId != null && !lastEventId.isBlank() ? lastEventId.trim() : since;
        if (from != null && !EventIds.isValid(from)) {
            throw ApiException.invalid("'since' / Last-Event-ID must be an event id this API gave out");
        }
        sessions.get(caller.get(), id);
        // Opened here, on a worker thread: replaying missed events reads Redis, which the I/O thread must not.
        return streams.open(id, from, sse);
    }
}
