package io.nagatha.gateway.rest;

import io.nagatha.gateway.service.StatusService;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

@Path("/api/v1/status")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    private final StatusService status;

    StatusResource(StatusService status) {
        this.status = status;
    }

    @GET
    public StatusService.Status get() {
        return status.status();
    }
}
