package io.nagatha.discordbot.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nagatha.contracts.Json;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The bot's only way into Nagatha: the gateway's public REST API with an admin key, acting for a
 * Discord user with {@code X-Nagatha-Identity}. Every failure is sorted into "try again later"
 * ({@link Unavailable}: unreachable, 5xx, 429) or "do not" ({@link Refused}: the problem's detail).
 */
public class NagathaClient {

    private final JsonHttp http;

    public NagathaClient(String gatewayUrl, String adminKey) {
        this.http = new JsonHttp(gatewayUrl, Map.of("Authorization", "Bearer " + adminKey));
    }

    /** Nagatha cannot be reached or is overloaded: worth another try after {@code retryAfter}. */
    public static final class Unavailable extends RuntimeException {
        private final Duration retryAfter;

        Unavailable(String message, Duration retryAfter) {
            super(message, null, false, false);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** Nagatha said no ({@code code}, e.g. {@code session_ended}); repeating would not help. */
    public static final class Refused extends RuntimeException {
        private final String code;

        Refused(String code, String detail) {
            super(detail, null, false, false);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** How a message ended: the reply's text, or nothing yet when the wait ran out first. */
    public record Reply(boolean finished, String text) {
    }

    /**
     * Sends {@code content} to the identity's active session (continued, or made) and waits up to
     * {@code wait} for the reply. The idempotency key makes a repeat — after a timeout, a lost
     * answer or a redelivered Discord message — return the first turn instead of starting another.
     */
    public Reply send(String identity, String content, String idempotencyKey, Duration wait) {
        JsonNode session = call("POST", "/api/v1/sessions", identity, Json.object().put("interface", "discord"));
        ObjectNode body = Json.object().put("content", content).put("interface", "discord").put("idempotencyKey", idempotencyKey);
        JsonNode answer = call("POST", "/api/v1/sessions/" + session.path("id").asText() + "/messages?wait=" + wait.toSeconds(),
                identity, body);
        if (answer.has("reply")) {
            return new Reply(true, answer.path("reply").path("content").asText(""));
        }
        if (answer.has("error")) {
            return new Reply(true, "Nagatha could not answer: " + answer.at("/error/message").asText() + " ("
                    + answer.at("/error/code").asText() + ")");
        }
        return new Reply(false, null);
    }

    /** A memory entry's value of the given identity's user, if it has one. */
    public Optional<JsonNode> memory(String identity, String section, String entry) {
        try {
            return Optional.of(call("GET", memoryPath(section, entry), identity, null).path("value"));
        } catch (Refused refused) {
            if ("not_found".equals(refused.code())) {
                return Optional.empty();
            }
            throw refused;
        }
    }

    public void putMemory(String identity, String section, String entry, JsonNode value) {
        ObjectNode body = Json.object();
        body.set("value", value);
        call("PUT", memoryPath(section, entry), identity, body);
    }

    /** Links a Discord identity with a code from another interface: the linked user's id. */
    public String link(String identity, String code) {
        return call("POST", "/api/v1/identities/link", identity, Json.object().put("code", code).put("identity", identity))
                .path("userId").asText();
    }

    private static String memoryPath(String section, String entry) {
        return "/api/v1/memory/" + section + "/" + URLEncoder.encode(entry, StandardCharsets.UTF_8);
    }

    private JsonNode call(String method, String path, String identity, JsonNode body) {
        HttpResponse<String> response;
        try {
            // A turn's reply may take the whole ?wait= (at most 120 s).
            response = http.send(method, path, Map.of("X-Nagatha-Identity", identity), body, Duration.ofSeconds(150));
        } catch (UncheckedIOException e) {
            throw new Unavailable("Nagatha's gateway is unreachable: " + e.getCause(), Duration.ZERO);
        }
        JsonNode json = JsonHttp.json(response);
        int status = response.statusCode();
        if (status < 400) {
            return json;
        }
        if (status == 429 || status >= 500) {
            long seconds = response.headers().firstValueAsLong("Retry-After").orElse(0);
            throw new Unavailable("Nagatha answered " + status + " " + json.path("code").asText(""), Duration.ofSeconds(seconds));
        }
        throw new Refused(json.path("code").asText("http_" + status), json.path("detail").asText("Nagatha answered " + status));
    }
}
