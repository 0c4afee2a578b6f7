package io.nagatha.gateway.discord;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nagatha.contracts.Json;

/** The interaction responses the endpoint sends (Discord's interaction callback types). */
final class InteractionResponses {

    /** Message flag: only the person who used the command sees it. */
    static final int EPHEMERAL = 1 << 6;

    private static final int PONG = 1;
    private static final int CHANNEL_MESSAGE = 4;
    private static final int DEFERRED_CHANNEL_MESSAGE = 5;

    private InteractionResponses() {
    }

    static ObjectNode pong() {
        return Json.object().put("type", PONG);
    }

    /** "Nagatha is thinking…": the answer comes later through the webhook. */
    static ObjectNode deferred(boolean ephemeral) {
        ObjectNode response = Json.object().put("type", DEFERRED_CHANNEL_MESSAGE);
        if (ephemeral) {
            response.putObject("data").put("flags", EPHEMERAL);
        }
        return response;
    }

    /** An answer now, seen only by the person who asked. */
    static ObjectNode privateMessage(String content) {
        ObjectNode response = Json.object().put("type", CHANNEL_MESSAGE);
        ObjectNode data = FollowUpClient.message(content);
        data.put("flags", EPHEMERAL);
        response.set("data", data);
        return response;
    }
}
