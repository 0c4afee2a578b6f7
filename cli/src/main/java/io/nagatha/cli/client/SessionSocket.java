package io.nagatha.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.cli.CliException;
import io.nagatha.cli.ExitCodes;
import io.nagatha.contracts.EventTypes;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One WebSocket to {@code /ws/v1/sessions/{id}?interface=...}: every event frame goes to
 * {@code onEvent} in order, and {@code onClose} hears once when the socket ends (the close code,
 * or -1 when it broke without one).
 */
public final class SessionSocket {

    private final Gateway gateway;
    private final String sessionId;
    private final String interfaceType;
    private final Consumer<JsonNode> onEvent;
    private final Consumer<Integer> onClose;
    private final CompletableFuture<JsonNode> attached = new CompletableFuture<>();
    private volatile WebSocket socket;

    public SessionSocket(Gateway gateway, String sessionId, String interfaceType, Consumer<JsonNode> onEvent, Consumer<Integer> onClose) {
        this.gateway = gateway;
        this.sessionId = sessionId;
        this.interfaceType = interfaceType;
        this.onEvent = onEvent;
        this.onClose = onClose;
    }

    /**
     * Opens the socket and waits for {@code session.attached}; a refusal is a {@link CliException}.
     * With {@code since} (an event id), the gateway first replays what came after it, then goes live.
     */
    public JsonNode open(String since) {
        String base = gateway.config().url().replaceFirst("^http", "ws");
        URI uri = URI.create(base + "/ws/v1/sessions/" + Gateway.segment(sessionId) + "?interface=" + Gateway.segment(interfaceType)
                + (since == null ? "" : "&since=" + Gateway.segment(since)));
        try {
            socket = gateway.http().newWebSocketBuilder()
                    .connectTimeout(gateway.config().connectTimeout())
                    .header("Authorization", "Bearer " + gateway.config().key())
                    .buildAsync(uri, new Listener())
                    .get(gateway.config().timeout().toMillis(), TimeUnit.MILLISECONDS);
            return attached.get(gateway.config().timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CliException cli) {
                throw cli;
            }
            if (cause instanceof WebSocketHandshakeException handshake) {
                int status = handshake.getResponse().statusCode();
                Object body = handshake.getResponse().body();
                throw Gateway.problem(status, Gateway.parse(body instanceof String s ? s : null), null);
            }
            throw Gateway.unreachable(gateway.config(), cause);
        } catch (TimeoutException e) {
            close();
            throw new CliException(ExitCodes.UNREACHABLE, "the gateway at " + gateway.config().url() + " did not open the session's WebSocket in "
                    + gateway.config().timeout().toSeconds() + " s (--timeout)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERRUPTED, "interrupted");
        }
    }

    /** Closes the socket (which detaches this interface from the session) and waits briefly for it. */
    public void close() {
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                ws.abort();
            }
        }
    }

    /** What a close code means to the user, as the exception to end with when it cannot be recovered. */
    public static CliException closeProblem(int code) {
        return switch (code) {
            case 4401 -> new CliException(ExitCodes.UNAUTHORIZED, "the gateway refused the key [unauthorized]");
            case 4403 -> new CliException(ExitCodes.UNAUTHORIZED, "this key may not open that session [forbidden]");
            case 4404 -> new CliException(ExitCodes.NOT_FOUND, "no such session [session_not_found]");
            case 4429 -> new CliException(ExitCodes.RATE_LIMITED, "the request budget is spent for now [rate_limited]");
            case 1008 -> new CliException(ExitCodes.REJECTED, "the gateway refused to attach to the session (has it ended?)");
            default -> null;
        };
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();
        private boolean closed;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                JsonNode frame = Gateway.parse(text);
                String type = frame.path("type").asText();
                if (EventTypes.SESSION_ATTACHED.equals(type)) {
                    attached.complete(frame);
                }
                if (frame.has("id") || EventTypes.SESSION_ATTACHED.equals(type)) {
                    onEvent.accept(frame);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended(-1);
        }

        private synchronized void ended(int code) {
            if (closed) {
                return;
            }
            closed = true;
            CliException problem = closeProblem(code);
            attached.completeExceptionally(problem != null ? problem
                    : new CliException(ExitCodes.UNREACHABLE, "the gateway closed the session's WebSocket (code " + code + ")"));
            onClose.accept(code);
        }
    }
}
