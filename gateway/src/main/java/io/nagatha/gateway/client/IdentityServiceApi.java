package io.nagatha.gateway.client;

import io.nagatha.contracts.ApiKey;
import io.nagatha.contracts.Caller;
import io.nagatha.contracts.CreateKeyRequest;
import io.nagatha.contracts.CreatedKey;
import io.nagatha.contracts.LinkCode;
import io.nagatha.contracts.LinkRequest;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.UserIdentities;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The session service's internal identity and key API (see IdentityResource and KeyResource there). */
@RegisterRestClient(configKey = "session-service")
@RegisterProvider(ProblemResponseMapper.class)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface IdentityServiceApi {

    @GET
    @Path("/identities")
    UserIdentities identities(@HeaderParam(Caller.USER_HEADER) String user, @HeaderParam(Caller.ADMIN_HEADER) boolean admin);

    @POST
    @Path("/identities/resolve")
    UserIdentities resolve(@HeaderParam(Caller.USER_HEADER) String user, @HeaderParam(Caller.ADMIN_HEADER) boolean admin,
            LinkRequest request);

    @POST
    @Path("/identities/link-codes")
    LinkCode createLinkCode(@HeaderParam(Caller.USER_HEADER) String user, @HeaderParam(Caller.ADMIN_HEADER) boolean admin);

    @POST
    @Path("/identities/link")
    UserIdentities link(@HeaderParam(Caller.USER_HEADER) String user, @HeaderParam(Caller.ADMIN_HEADER) boolean admin,
            LinkRequest request);

    @POST
    @Path("/keys")
    CreatedKey createKey(@HeaderParam(Caller.USER_HEADER) String user, @HeaderParam(Caller.ADMIN_HEADER) boolean admin,
            CreateKeyRequest request);

    @GET
    @Path("/keys")
    Page<ApiKey> keys(@HeaderParam(Caller.USER_HEADER) String user, @HeaderParam(Caller.ADMIN_HEADER) boolean admin);

    @DELETE
    @Path("/keys/{id}")
    void revokeKey(@HeaderParam(Caller.USER_HEADER) String user, @HeaderParam(Caller.ADMIN_HEADER) boolean admin,
            @PathParam("id") String id);
}
