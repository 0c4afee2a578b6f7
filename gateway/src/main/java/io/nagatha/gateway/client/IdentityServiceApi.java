package io.nagatha.gateway.client;

import io.nagatha.contracts.ApiKey;
import io.nagatha.contracts.CreateKeyRequest;
import io.nagatha.contracts.CreatedKey;
import io.nagatha.contracts.LinkCode;
import io.nagatha.contracts.LinkRequest;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.UserIdentities;
import io.nagatha.support.rest.CallerHeaders;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
    UserIdentities identities(@BeanParam CallerHeaders caller);

    @POST
    @Path("/identities/resolve")
    UserIdentities resolve(@BeanParam CallerHeaders caller, LinkRequest request);

    @POST
    @Path("/identities/link-codes")
    LinkCode createLinkCode(@BeanParam CallerHeaders caller);

    @POST
    @Path("/identities/link")
    UserIdentities link(@BeanParam CallerHeaders caller, LinkRequest request);

    @POST
    @Path("/keys")
    CreatedKey createKey(@BeanParam CallerHeaders caller, CreateKeyRequest request);

    @GET
    @Path("/keys")
    Page<ApiKey> keys(@BeanParam CallerHeaders caller);

    @DELETE
    @Path("/keys/{id}")
    void revokeKey(@BeanParam CallerHeaders caller, @PathParam("id") String id);
}
