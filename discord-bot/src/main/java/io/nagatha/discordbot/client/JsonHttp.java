package io.nagatha.discordbot.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** One JSON request over the JDK's HTTP client, for the bot's two clients (Nagatha, Discord). */
public final class JsonHttp {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Map<String, String> headers;

    /** Requests to paths below {@code base}, each with {@code headers}. */
    public JsonHttp(String base, Map<String, String> headers) {
        this.base = base.replaceAll("/+$", "");
        this.headers = headers;
    }

    /**
     * Sends {@code body} (none when null) and returns the answer whatever its status; a request that
     * got no answer (refused, reset, timed out) is an {@link UncheckedIOException}.
     */
    public HttpResponse<String> send(String method, String path, Map<String, String> extra, JsonNode body, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.encode(body)));
        headers.forEach(request::header);
        extra.forEach(request::header);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted", e));
        }
    }

    /** The answer's JSON; an empty object for an empty or non-JSON body (a proxy's error page). */
    public static JsonNode json(HttpResponse<String> response) {
        if (response.body().isBlank()) {
            return Json.object();
        }
        try {
            return Json.decode(response.body(), JsonNode.class);
        } catch (RuntimeException e) {
            return Json.object();
        }
    }
}
