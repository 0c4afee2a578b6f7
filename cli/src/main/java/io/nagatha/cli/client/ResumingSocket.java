package io.nagatha.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.cli.CliException;
import io.nagatha.cli.ExitCodes;
import io.nagatha.contracts.EventTypes;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A session's WebSocket that survives drops: when it closes without being asked to, it reconnects
 * with backoff and {@code since=<the last event id it got>}, so the gateway replays what was missed
 * (events it already has are skipped). Refusals that another try cannot fix (bad key, unknown
 * session) end it through {@code onFatal}.
 */
public final class ResumingSocket {

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final Gateway gateway;
    private final String sessionId;
    private final String interfaceType;
    private final Consumer<JsonNode> onEvent;
    private final Consumer<String> onNotice;
    private final Consumer<CliException> onFatal;
    private final int maxAttempts;
    private volatile SessionSocket socket;
    /** Counted down by {@link #close}: it also ends a reconnect's wait at once. */
    private final CountDownLatch closing = new CountDownLatch(1);
    private String lastEventId;

    /** {@code maxAttempts} reconnects in a row before giving up ({@code onFatal}); 0 for no limit. */
    public ResumingSocket(Gateway gateway, String sessionId, String interfaceType, int maxAttempts, Consumer<JsonNode> onEvent,
            Consumer<String> onNotice, Consumer<CliException> onFatal) {
        this.gateway = gateway;
        this.sessionId = sessionId;
        this.interfaceType = interfaceType;
        this.maxAttempts = maxAttempts;
        this.onEvent = onEvent;
        this.onNotice = onNotice;
        this.onFatal = onFatal;
    }

    /** The first open: a failure is thrown, not retried. Answers the {@code session.attached} event. */
    public JsonNode open() {
        return connect(null);
    }

    public void close() {
        closing.countDown();
        SessionSocket current = socket;
        if (current != null) {
            current.close();
        }
    }

    private JsonNode connect(String since) {
        SessionSocket next = new SessionSocket(gateway, sessionId, interfaceType, this::received, this::dropped);
        socket = next;
        return next.open(since);
    }

    private synchronized void received(JsonNode event) {
        String id = event.path("id").asText(null);
        if (EventTypes.SESSION_ATTACHED.equals(event.path("type").asText()) && lastEventId != null) {
            return; // a reconnect's greeting: the session is the one already shown
        }
        if (id != null && lastEventId != null && compare(id, lastEventId) <= 0) {
            return; // already had it (a replay overlaps what arrived before the drop)
        }
        if (id != null) {
            lastEventId = id;
        }
        onEvent.accept(event);
    }

    private boolean closed() {
        return closing.getCount() == 0;
    }

    private void dropped(int code) {
        if (closed()) {
            return;
        }
        CliException fatal = SessionSocket.closeProblem(code);
        if (fatal != null) {
            onFatal.accept(fatal);
            return;
        }
        Thread reconnect = new Thread(() -> reconnect(code), "nagatha-reconnect");
        reconnect.setDaemon(true);
        reconnect.start();
    }

    private void reconnect(int code) {
        onNotice.accept("(connection to the gateway lost" + (code > 0 ? ", code " + code : "") + "; reconnecting...)");
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; maxAttempts == 0 || attempt <= maxAttempts; attempt++) {
            try {
                if (closing.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                    return; // closed while waiting to try again
                }
                String since;
                synchronized (this) {
                    since = lastEventId;
                }
                connect(since);
                onNotice.accept("(reconnected; caught up on what was missed)");
                return;
            } catch (InterruptedException e) {
                return;
            } catch (CliException e) {
                if (e.exitCode() != ExitCodes.UNREACHABLE && e.exitCode() != ExitCodes.SERVER_ERROR) {
                    onFatal.accept(e);
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        if (!closed()) {
            onFatal.accept(new CliException(ExitCodes.UNREACHABLE, "lost the connection to the gateway at " + gateway.config().url()
                    + " and could not reconnect"));
        }
    }

    /** Orders two event ids ({@code <millis>-<sequence>}, Redis stream ids). */
    static int compare(String a, String b) {
        long[] x = parts(a);
        long[] y = parts(b);
        int byTime = Long.compare(x[0], y[0]);
        return byTime != 0 ? byTime : Long.compare(x[1], y[1]);
    }

    private static long[] parts(String id) {
        int dash = id.indexOf('-');
        try {
            return dash < 0 ? new long[] {Long.parseLong(id), 0} : new long[] {Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1))};
        } catch (NumberFormatException e) {
            return new long[] {0, 0};
        }
    }
}
