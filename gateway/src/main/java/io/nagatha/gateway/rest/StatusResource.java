package io.nagatha.gateway.rest;

import io.nagatha.gateway.service.StatusService;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Tag(name = "Status")
@Path("/api/v1/status")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    private final StatusService status;

    StatusResource(StatusService status) {
        this.status = status;
    }

    @Operation(summary = "Replicas, sessions, queues and MCP connections at a glance")
    @GET
    public StatusService.Status get() {
        return status.status();
    }
}
