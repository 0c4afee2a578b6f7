package io.nagatha.discordbot.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nagatha.contracts.Json;
import io.nagatha.discordbot.client.JsonHttp;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the bot sends to Discord's REST API: channel messages, the typing indicator and the
 * command definitions. Plain HTTP against a configurable base URL (the same one JDA is given), so
 * the message-handling core runs against a fake Discord in tests. A 429 is waited out as Discord
 * asks ({@code retry_after}), a bounded number of times.
 */
public class DiscordRest {

    private static final int RATE_LIMIT_RETRIES = 3;

    private final JsonHttp http;
    /** Counted down by {@link #close}: ends a wait for Discord's rate limit at once. */
    private final CountDownLatch closing = new CountDownLatch(1);

    public DiscordRest(String apiBase, String botToken) {
        this.http = new JsonHttp(apiBase, Map.of("Authorization", "Bot " + botToken,
                "User-Agent", "DiscordBot (https://nagatha.dev, 0.1)"));
    }

    /** Discord refused or failed a request. */
    public static final class DiscordFailure extends RuntimeException {
        DiscordFailure(String message) {
            super(message, null, false, false);
        }
    }

    /** Posts {@code content} in a channel, as a reply to {@code replyTo} when given; pings nobody. */
    public void send(String channelId, String content, String replyTo) {
        ObjectNode message = Json.object().put("content", content);
        ObjectNode mentions = message.putObject("allowed_mentions");
        mentions.putArray("parse");
        if (replyTo != null) {
            message.putObject("message_reference").put("message_id", replyTo).put("fail_if_not_exists", false);
            mentions.put("replied_user", false);
        }
        call("POST", "/channels/" + channelId + "/messages", message);
    }

    /** Shows "Nagatha is typing…" in the channel for about 10 s. */
    public void typing(String channelId) {
        call("POST", "/channels/" + channelId + "/typing", null);
    }

    /** Replaces the application's commands (globally, or in one guild) with {@code commands}. */
    public JsonNode putCommands(String applicationId, String guildId, JsonNode commands) {
        String path = guildId == null ? "/applications/" + applicationId + "/commands"
                : "/applications/" + applicationId + "/guilds/" + guildId + "/commands";
        return call("PUT", path, commands);
    }

    private JsonNode call(String method, String path, JsonNode body) {
        for (int attempt = 0;; attempt++) {
            HttpResponse<String> response;
            try {
                response = http.send(method, path, Map.of(), body, Duration.ofSeconds(15));
            } catch (UncheckedIOException e) {
                throw new DiscordFailure("Discord is unreachable: " + e.getCause());
            }
            int status = response.statusCode();
            if (status == 429 && attempt < RATE_LIMIT_RETRIES) {
                double seconds = JsonHttp.json(response).path("retry_after").asDouble(1);
                waitOrStop((long) (Math.min(seconds, 30) * 1000));
                continue;
            }
            if (status >= 300) {
                throw new DiscordFailure("Discord answered " + status + " to " + method + " " + path + ": " + response.body());
            }
            return JsonHttp.json(response);
        }
    }

    /** Stops waiting out rate limits: a request waiting for one fails now. */
    public void close() {
        closing.countDown();
    }

    private void waitOrStop(long millis) {
        try {
            if (closing.await(millis, TimeUnit.MILLISECONDS)) {
                throw new DiscordFailure("the bot is stopping");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DiscordFailure("interrupted");
        }
    }
}
