package io.nagatha.gateway.rest;

import io.nagatha.gateway.auth.CurrentCaller;
import io.nagatha.gateway.service.TurnService;
import io.nagatha.support.turn.TurnLedger;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A session's turns: cancelling one. */
@Path("/api/v1/sessions/{id}/turns")
@Tag(name = "Sessions")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class TurnResource {

    private final TurnService turns;
    private final CurrentCaller caller;

    TurnResource(TurnService turns, CurrentCaller caller) {
        this.turns = turns;
        this.caller = caller;
    }

    /**
     * 202: the turn ends with {@code turn.failed} code {@code cancelled} — at once when it was
     * waiting ({@code status: cancelled}), at its next step when it runs ({@code status: cancelling}).
     * 404 when the session has no such turn, 409 {@code turn_finished} when it already ended.
     */
    @POST
    @Path("/{turnId}/cancel")
    @Operation(summary = "Cancel a turn", description = "The turn ends with `turn.failed` code `cancelled`: at once when it was waiting (`status: cancelled`), at its next delta or tool boundary when it runs (`status: cancelling`).")
    @APIResponse(responseCode = "202", description = "`{turnId, status}` with status `cancelled` or `cancelling`")
    @APIResponse(responseCode = "404", description = "No such session, or another user's (`session_not_found`), or no such turn in it (`not_found`)")
    @APIResponse(responseCode = "409", description = "The turn has already finished (`turn_finished`)")
    @Blocking
    public Response cancel(@PathParam("id") String id, @PathParam("turnId") String turnId) {
        TurnLedger.Stop stop = turns.cancel(caller.get(), id, turnId);
        return Response.accepted(Map.of("turnId", turnId,
                "status", stop == TurnLedger.Stop.STOPPED ? "cancelled" : "cancelling")).build();
    }
}
