package io.nagatha.gateway.rest;

import io.nagatha.contracts.AttachRequest;
import io.nagatha.contracts.SessionPatch;
import io.nagatha.gateway.auth.CurrentCaller;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.PATCH;
import io.nagatha.contracts.CreateSessionRequest;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventIds;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.SessionResult;
import io.nagatha.gateway.client.SessionClient;
import io.nagatha.gateway.config.GatewayConfig;
import io.nagatha.gateway.service.TurnService;
import io.nagatha.gateway.stream.SessionEventFanout;
import io.nagatha.support.rest.ApiException;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
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

/** Sessions, their history, their messages and their live events: the heart of API.md. */
@Path("/api/v1/sessions")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final SessionClient sessions;
    private final TurnService turns;
    private final SessionEventFanout fanout;
    private final GatewayConfig config;
    private final CurrentCaller caller;

    SessionResource(SessionClient sessions, TurnService turns, SessionEventFanout fanout, GatewayConfig config,
            CurrentCaller caller) {
        this.sessions = sessions;
        this.turns = turns;
        this.fanout = fanout;
        this.config = config;
        this.caller = caller;
    }

    /**
     * 201 with a new session, or 200 with the caller's active one ({@code mode: continue}). The body
     * is {@code {interface, mode?, title?, context?}}; the user is always the caller.
     */
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
    @GET
    public Page<Session> list(@QueryParam("active") String active, @QueryParam("interface") String interfaceType,
            @QueryParam("user") String user, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return sessions.list(caller.get(), active, interfaceType, user, limit, cursor);
    }

    @GET
    @Path("/{id}")
    public Session get(@PathParam("id") String id) {
        return sessions.get(caller.get(), id);
    }

    @PATCH
    @Path("/{id}")
    public Session patch(@PathParam("id") String id, SessionPatch body) {
        return sessions.patch(caller.get(), id, body);
    }

    /** 204: the session ends ({@code session.ended} to its clients); its history stays readable until it expires. */
    @DELETE
    @Path("/{id}")
    public Response end(@PathParam("id") String id) {
        sessions.end(caller.get(), id);
        return Response.noContent().build();
    }

    @GET
    @Path("/{id}/messages")
    public Page<Message> history(@PathParam("id") String id, @QueryParam("limit") String limit, @QueryParam("before") String before) {
        return sessions.history(caller.get(), id, limit, before);
    }

    @POST
    @Path("/{id}/interfaces")
    public Session attach(@PathParam("id") String id, AttachRequest body) {
        // session-service validates the body, a missing one included; only a gateway socket sets a holder.
        AttachRequest request = body == null ? null : new AttachRequest(body.interfaceType(), body.context());
        return sessions.attach(caller.get(), id, request);
    }

    @DELETE
    @Path("/{id}/interfaces/{interface}")
    public Session detach(@PathParam("id") String id, @PathParam("interface") String interfaceType) {
        return sessions.detach(caller.get(), id, interfaceType);
    }

    /**
     * 202 {@code {turnId, messageId}} at once; with {@code ?wait=N} and the turn finished within N
     * seconds, 200 with the {@code reply} (or the turn's {@code error}).
     */
    @POST
    @Path("/{id}/messages")
    @Blocking
    public Uni<Response> post(@PathParam("id") String id, @QueryParam("wait") String wait, PostMessageBody body) {
        if (body == null) {
            throw ApiException.invalid("a body with 'content' is required");
        }
        Duration waitFor = turns.parseWait(wait);
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
        // Subscribed here, on a worker thread: replaying missed events reads Redis, which the I/O thread must not.
        UnicastProcessor<OutboundSseEvent> out = UnicastProcessor.create();
        SessionEventFanout.Subscription subscription = fanout.subscribe(id, from, event -> out.onNext(toSse(sse, event)));
        Multi<OutboundSseEvent> keepAlive = Multi.createFrom().ticks().every(config.sseKeepAlive())
                .map(tick -> sse.newEventBuilder().comment("keep-alive").build());
        return Multi.createBy().merging().streams(out, keepAlive)
                .onTermination().invoke(subscription::close);
    }

    private static OutboundSseEvent toSse(Sse sse, Event event) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder().name(event.type())
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(Json.encode(event));
        if (event.id() != null) {
            builder.id(event.id());
        }
        return builder.build();
    }
}
