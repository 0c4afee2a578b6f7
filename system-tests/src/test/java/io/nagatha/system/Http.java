package io.nagatha.system;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;

/** A small thread-safe JSON client for tests that send many requests at once. */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Reply(int status, JsonNode body, long retryAfterSeconds) {
    }

    private final String base;
    private final Map<String, String> headers;
    private final int unavailableRetries;
    private final AtomicInteger unavailable = new AtomicInteger();

    Http(String base, Map<String, String> headers) {
        this(base, headers, 0);
    }

    private Http(String base, Map<String, String> headers, int unavailableRetries) {
        this.base = base;
        this.headers = headers;
        this.unavailableRetries = unavailableRetries;
    }

    /**
     * A client that does what the API asks of one on {@code 503 unavailable}: waits
     * {@code Retry-After} (1 s without one) and tries again, up to {@code retries} times. Only for
     * requests safe to repeat (attach, detach, messages with an idempotency key).
     */
    Http retryingUnavailable(int retries) {
        return new Http(base, headers, retries);
    }

    /** How many 503 answers this client was given. */
    int unavailableAnswers() {
        return unavailable.get();
    }

    /** Through the gateway, with an API key. */
    static Http gateway(String base, String key) {
        return new Http(base, Map.of("Authorization", "Bearer " + key));
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply post(String path, Object body) {
        return send("POST", path, body);
    }

    Reply delete(String path) {
        return send("DELETE", path, null);
    }

    /** A plain-text GET (Prometheus metrics). */
    String getText(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply send(String method, String path, Object body) {
        Reply first = once(method, path, body);
        if (first.status() != 503 || unavailableRetries == 0) {
            return first;
        }
        // Asked again after each Retry-After, until it is no longer 503 or the retries are spent.
        AtomicInteger tries = new AtomicInteger();
        AtomicReference<Reply> last = new AtomicReference<>(first);
        unavailable.incrementAndGet();
        Awaitility.await().pollDelay(Duration.ofSeconds(first.retryAfterSeconds())).pollInterval(Duration.ofSeconds(first.retryAfterSeconds()))
                .atMost(Duration.ofSeconds(first.retryAfterSeconds() * (unavailableRetries + 1) + 60))
                .until(() -> {
                    Reply reply = once(method, path, body);
                    last.set(reply);
                    boolean again = reply.status() == 503 && tries.incrementAndGet() < unavailableRetries;
                    if (reply.status() == 503) {
                        unavailable.incrementAndGet();
                    }
                    return !again;
                });
        return last.get();
    }

    private Reply once(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.encode(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() ? Json.object() : Json.decode(response.body(), JsonNode.class);
            long retryAfter = response.headers().firstValue("Retry-After").filter(v -> v.matches("\\d{1,3}"))
                    .map(Long::parseLong).orElse(1L);
            return new Reply(response.statusCode(), json, retryAfter);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
