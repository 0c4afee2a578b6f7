package io.nagatha.gateway.discord;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * Discord's interaction webhooks: edit the deferred answer, add follow-up messages. An interaction
 * token is the credential (valid 15 minutes), so no bot token is sent.
 */
@RegisterRestClient(configKey = "discord-api")
@RegisterProvider(DiscordWebhookApi.Failures.class)
@Path("/webhooks/{applicationId}/{token}")
@Consumes(MediaType.APPLICATION_JSON)
public interface DiscordWebhookApi {

    @PATCH
    @Path("/messages/@original")
    void editOriginal(@PathParam("applicationId") String applicationId, @PathParam("token") String token, JsonNode message);

    @POST
    void followUp(@PathParam("applicationId") String applicationId, @PathParam("token") String token, JsonNode message);

    /** Discord refused the request for good (4xx other than 429): repeating it cannot help. */
    final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** Discord is rate limiting or failing (429, 5xx): worth another try. */
    final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    class Failures implements ResponseExceptionMapper<RuntimeException> {

        @Override
        public RuntimeException toThrowable(Response response) {
            int status = response.getStatus();
            String what = "Discord answered " + status;
            return status == 429 || status >= 500 ? new Unavailable(what) : new Refused(what);
        }
    }
}
