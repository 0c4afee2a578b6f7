package io.nagatha.gateway.rest;

import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.McpServerStatus;
import io.nagatha.gateway.service.McpService;
import io.nagatha.support.rest.ApiException;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The configured MCP servers with their connections, and an operator's restart. */
@Tag(name = "Tools and MCP")
@Path("/api/v1/mcp/servers")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class McpServerResource {

    private final McpService mcp;

    McpServerResource(McpService mcp) {
        this.mcp = mcp;
    }

    @Operation(summary = "MCP servers with their connections by state")
    @GET
    public Items<McpServerStatus> list() {
        return new Items<>(mcp.servers());
    }

    @Operation(summary = "Restart an MCP server on every pool replica (admin)")
    @APIResponse(responseCode = "202", description = "Restarting")
    @APIResponse(responseCode = "403", description = "Needs an admin key (`forbidden`)")
    @APIResponse(responseCode = "404", description = "No such server (`not_found`)")
    @POST
    @Path("/{name}/restart")
    @RolesAllowed("admin")
    public Response restart(@PathParam("name") String name) {
        if (!mcp.restart(name)) {
            throw ApiException.of(404, ErrorCodes.NOT_FOUND, "Server not found", "no MCP server named " + name);
        }
        return Response.accepted().build();
    }
}
