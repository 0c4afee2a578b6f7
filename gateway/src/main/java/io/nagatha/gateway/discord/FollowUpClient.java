package io.nagatha.gateway.discord;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nagatha.contracts.Json;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Sends a deferred command's answer through Discord's webhooks: an edit replaces the "thinking…"
 * message, follow-ups add further messages. Editing is safe to repeat, so it is
 * retried; a follow-up is not (a repeat would post it twice).
 */
@ApplicationScoped
@Timeout(10000)
@CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10000, skipOn = DiscordWebhookApi.Refused.class)
public class FollowUpClient {

    private final DiscordWebhookApi api;

    FollowUpClient(@RestClient DiscordWebhookApi api) {
        this.api = api;
    }

    @Retry(maxRetries = 3, delay = 500, jitter = 200, abortOn = DiscordWebhookApi.Refused.class)
    public void editOriginal(String applicationId, String token, String content) {
        api.editOriginal(applicationId, token, message(content));
    }

    public void followUp(String applicationId, String token, String content, boolean ephemeral) {
        ObjectNode message = message(content);
        if (ephemeral) {
            message.put("flags", InteractionResponses.EPHEMERAL);
        }
        api.followUp(applicationId, token, message);
    }

    /** Content without mention pings: a reply quoting "@everyone" must not notify a whole server. */
    static ObjectNode message(String content) {
        ObjectNode message = Json.object();
        message.put("content", content);
        message.putObject("allowed_mentions").putArray("parse");
        return message;
    }
}
