package io.nagatha.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.ToolCallResult;
import io.nagatha.contracts.ToolInfo;
import io.nagatha.gateway.auth.CurrentCaller;
import io.nagatha.gateway.service.McpService;
import io.nagatha.support.rest.ApiException;
import io.nagatha.support.toolcall.ToolCallClient;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The tool catalogue, and an operator's direct tool call through the pool. */
@Tag(name = "Tools and MCP")
@Path("/api/v1/tools")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class ToolResource {

    private final McpService mcp;
    private final ToolCallClient calls;
    private final CurrentCaller caller;

    ToolResource(McpService mcp, ToolCallClient calls, CurrentCaller caller) {
        this.mcp = mcp;
        this.calls = calls;
        this.caller = caller;
    }

    public record CallBody(JsonNode arguments, String sessionId) {
    }

    @Operation(summary = "Every configured MCP server's tools")
    @GET
    public Items<ToolInfo> list() {
        return new Items<>(mcp.tools());
    }

    /** Runs one call and answers {@code {ok, content, isError, ms}}; a failure is a problem document. */
    @Operation(summary = "Call a tool through the pool (admin)", description = "A tool's own error is `isError: true` in a 200.")
    @APIResponse(responseCode = "403", description = "Needs an admin key (`forbidden`)")
    @APIResponse(responseCode = "404", description = "No such tool (`tool_not_found`)")
    @APIResponse(responseCode = "502", description = "The server failed or is down (`upstream_error`)")
    @APIResponse(responseCode = "504", description = "No answer by the deadline (`upstream_timeout`)")
    @POST
    @Path("/{server}/{tool}/calls")
    @RolesAllowed("admin")
    public ToolCallResult call(@PathParam("server") String server, @PathParam("tool") String tool, CallBody body) {
        JsonNode arguments = body == null || body.arguments() == null || body.arguments().isNull() ? Json.object() : body.arguments();
        if (!arguments.isObject()) {
            throw ApiException.invalid("arguments must be a JSON object");
        }
        String sessionId = body == null ? null : body.sessionId();
        if (sessionId != null && !Ids.isValid(sessionId)) {
            throw ApiException.invalid("sessionId is not a valid id");
        }
        if (!mcp.hasTool(server, tool)) {
            throw ApiException.of(404, ErrorCodes.TOOL_NOT_FOUND, "Tool not found", "no tool " + tool + " on server " + server);
        }
        ToolCallResult result = calls.call(server, tool, arguments, sessionId, caller.get().userId(), null);
        if (result.ok()) {
            return result;
        }
        throw switch (result.code()) {
            case ErrorCodes.TOOL_NOT_FOUND -> ApiException.of(404, result.code(), "Tool not found", result.error());
            case ErrorCodes.UPSTREAM_TIMEOUT -> ApiException.of(504, result.code(), "Tool call timed out", result.error());
            case ErrorCodes.UNAVAILABLE -> ApiException.unavailable(result.error());
            default -> ApiException.of(502, result.code(), "Tool call failed", result.error());
        };
    }
}
