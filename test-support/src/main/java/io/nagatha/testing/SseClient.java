package io.nagatha.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Server-Sent Events client that records every event it receives (id, event name, data as
 * JSON), reading on a thread of its own until closed.
 */
public final class SseClient implements AutoCloseable {

    /** One received event; {@code data} is parsed JSON. */
    public record Received(String id, String event, JsonNode data) {
    }

    private final InputStream body;
    private final List<Received> events = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private SseClient(InputStream body) {
        this.body = body;
        this.reader = new Thread(this::read, "sse-client");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Connects and returns once the server has answered 200 (so the subscription is in place). */
    public static SseClient connect(String url, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            HttpResponse<InputStream> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                String detail = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
                throw new IllegalStateException("SSE " + url + " answered " + response.statusCode() + ": " + detail);
            }
            return new SseClient(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public List<Received> events() {
        return List.copyOf(events);
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Received(id, event, Json.MAPPER.readTree(data.toString())));
                    }
                    id = null;
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).stripLeading());
                }
            }
        } catch (IOException closed) {
            // the client was closed, or the server went away
        }
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
