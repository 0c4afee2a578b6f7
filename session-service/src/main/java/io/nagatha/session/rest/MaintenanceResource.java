package io.nagatha.session.rest;

import io.nagatha.session.service.SessionCleanup;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Operator hooks on the internal port: run the cleanup pass now instead of waiting for the schedule. */
@Path("/maintenance")
@Produces(MediaType.APPLICATION_JSON)
public class MaintenanceResource {

    private final SessionCleanup cleanup;

    MaintenanceResource(SessionCleanup cleanup) {
        this.cleanup = cleanup;
    }

    @POST
    @Path("/cleanup")
    public SessionCleanup.PassResult cleanup() {
        return cleanup.run();
    }
}
