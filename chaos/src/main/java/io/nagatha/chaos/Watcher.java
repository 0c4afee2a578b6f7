package io.nagatha.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket client of one session that behaves as a well-written client does: it starts from the
 * beginning of the session ({@code since=0-0}), remembers the id of the last event it got, and when
 * its socket breaks (its gateway died) it reconnects — to the next gateway of its list — with
 * {@code since=<that id>}. It records every event it receives, so a check can compare them with
 * the session's event stream: nothing lost, nothing twice, in order.
 */
final class Watcher implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<String> gateways;
    private final String session;
    private final String key;
    private final List<JsonNode> events = new ArrayList<>();
    private final AtomicInteger reconnects = new AtomicInteger();
    private volatile int current;
    private volatile boolean closed;
    private volatile WebSocket socket;

    Watcher(List<String> gateways, int first, String session, String key) {
        this.gateways = gateways;
        this.current = first;
        this.session = session;
        this.key = key;
        connect();
    }

    private void connect() {
        while (!closed) {
            String since;
            synchronized (this) {
                since = events.isEmpty() ? "0-0" : events.get(events.size() - 1).get("id").asText();
            }
            String url = gateways.get(current).replace("http://", "ws://") + "/ws/v1/sessions/" + session + "?access_token=" + key
                    + "&interface=web&since=" + since;
            try {
                socket = HTTP.newWebSocketBuilder().buildAsync(URI.create(url), new Listener()).get();
                return;
            } catch (Exception refused) {
                current = (current + 1) % gateways.size();
                sleep(200);
            }
        }
    }

    /** Every event received (frames with a stream id), in order. */
    synchronized List<JsonNode> events() {
        return List.copyOf(events);
    }

    List<String> ids() {
        return events().stream().map(e -> e.get("id").asText()).toList();
    }

    int reconnects() {
        return reconnects.get();
    }

    String gateway() {
        return gateways.get(current);
    }

    private void lost() {
        if (closed) {
            return;
        }
        reconnects.incrementAndGet();
        current = (current + 1) % gateways.size();
        Thread reconnect = new Thread(this::connect, "watcher-reconnect");
        reconnect.setDaemon(true);
        reconnect.start();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        WebSocket s = socket;
        if (s != null) {
            s.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(alreadyClosed -> null);
            s.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private boolean done;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = Json.MAPPER.readTree(partial.toString());
                    // Frames with a stream id are the session's events; session.attached, pong and errors are not.
                    if (frame.hasNonNull("id") && frame.path("id").asText().contains("-") && !"session.attached".equals(frame.path("type").asText())) {
                        synchronized (Watcher.this) {
                            events.add(frame);
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("not JSON: " + partial, e);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            end();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            end();
        }

        private synchronized void end() {
            if (!done) {
                done = true;
                lost();
            }
        }
    }
}
