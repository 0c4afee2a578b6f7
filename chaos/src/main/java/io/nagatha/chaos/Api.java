package io.nagatha.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** JSON over HTTP to a gateway with one key, as a user's script would call it (JDK HTTP client). */
final class Api {

    /** A status and body; status -1 when the request got no answer at all (refused, reset, timed out). */
    record Answer(int status, JsonNode body, String error) {
        boolean ok() {
            return status / 100 == 2;
        }

        String describe() {
            return status < 0 ? "no answer (" + error + ")" : status + " " + body;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String key;

    Api(String key) {
        this.key = key;
    }

    Answer get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), Duration.ofSeconds(30));
    }

    Answer post(String url, Object body) {
        return post(url, body, Duration.ofSeconds(30));
    }

    Answer post(String url, Object body, Duration timeout) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.encode(body))), timeout);
    }

    /** The body of a 2xx answer; anything else is an error naming the request. */
    JsonNode ok(Answer answer, String what) {
        if (!answer.ok()) {
            throw new IllegalStateException(what + ": " + answer.describe());
        }
        return answer.body();
    }

    private Answer send(HttpRequest.Builder request, Duration timeout) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(timeout).header("Authorization", "Bearer " + key).build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return new Answer(response.statusCode(), body == null || body.isBlank() ? null : Json.decode(body, JsonNode.class), null);
        } catch (IOException e) {
            return new Answer(-1, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, null, "interrupted");
        }
    }

    /** The problem's stable code of an error answer, if it has one. */
    static String code(Answer answer) {
        return answer.body() == null ? null : answer.body().path("code").asText(null);
    }
}
