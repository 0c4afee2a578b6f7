package io.nagatha.pool.client;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jboss.logging.Logger;
import reactor.core.publisher.Mono;

/**
 * One stdio MCP server: the child process and newline-delimited JSON-RPC over its stdin and
 * stdout. The pool uses this instead of the SDK's stdio transport, which it outgrew:
 * <ul>
 * <li>the child is the pool's own (started from a prepared {@link ProcessBuilder}: its own session,
 * exactly the environment its config names), so the pool can watch and kill it;</li>
 * <li>every stderr line is read to the end, also when the server dies at once (the SDK's reader
 * stops as soon as stdout ends, losing the lines that say why a server would not start);</li>
 * <li>it connects once: the SDK re-initialises a closed client on its next request, and a second
 * child would be one the pool knows nothing of and never kills;</li>
 * <li>messages go out one at a time from one writer thread (the SDK's transport dropped messages
 * from concurrent senders), so a large reply to the server never blocks the reader.</li>
 * </ul>
 */
public final class StdioTransport implements McpClientTransport {

    private static final Logger LOG = Logger.getLogger(StdioTransport.class);

    private final String name;
    private final ProcessBuilder builder;
    private final McpJsonMapper json;
    private final StderrTail stderr;
    private final long maxMessageChars;
    private final AtomicBoolean connected = new AtomicBoolean();
    private final CompletableFuture<Process> started = new CompletableFuture<>();
    private final ExecutorService writer;
    private volatile OutputStream stdin;

    StdioTransport(String name, ProcessBuilder builder, McpJsonMapper json, StderrTail stderr, long maxMessageChars) {
        this.name = name;
        this.builder = builder;
        this.json = json;
        this.stderr = stderr;
        this.maxMessageChars = maxMessageChars;
        this.writer = Executors.newSingleThreadExecutor(r -> daemon(r, "mcp-" + name + "-stdin"));
    }

    /** The child once it runs; fails when it could not be started. */
    CompletableFuture<Process> started() {
        return started;
    }

    @Override
    public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        if (!connected.compareAndSet(false, true)) {
            return Mono.error(new IllegalStateException("this stdio connection is closed; the pool opens a new one"));
        }
        return Mono.fromRunnable(() -> {
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                started.completeExceptionally(e);
                throw new UncheckedIOException("cannot start " + String.join(" ", builder.command()) + ": " + e.getMessage(), e);
            }
            stdin = process.getOutputStream();
            daemon(() -> readStdout(process, handler), "mcp-" + name + "-stdout").start();
            daemon(() -> readStderr(process), "mcp-" + name + "-stderr").start();
            started.complete(process);
        });
    }

    private void readStdout(Process process, Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = readLine(in); line != null; line = readLine(in)) {
                if (line.isBlank()) {
                    continue;
                }
                JSONRPCMessage message;
                try {
                    message = McpSchema.deserializeJsonRpcMessage(json, line);
                } catch (IOException | RuntimeException e) {
                    LOG.warnf("[%s] not a JSON-RPC message, ignored: %.200s", name, line);
                    continue;
                }
                handler.apply(Mono.just(message)).subscribe(ignored -> { },
                        e -> LOG.debugf("[%s] handling a message failed: %s", name, e.toString()));
            }
        } catch (IOException e) {
            LOG.debugf("[%s] stdout closed: %s", name, e.toString());
        }
    }

    /**
     * One line of stdout, or null at its end; a line longer than the bound is skipped (its request,
     * if any, then fails at its deadline) instead of filling the heap.
     */
    private String readLine(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        boolean tooLong = false;
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                if (!tooLong) {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                LOG.warnf("[%s] a message over %d characters was skipped", name, maxMessageChars);
                line.setLength(0);
                tooLong = false;
            } else if (!tooLong) {
                line.append((char) c);
                if (line.length() > maxMessageChars) {
                    tooLong = true;
                    line = new StringBuilder();
                }
            }
        }
        return line.isEmpty() || tooLong ? null : line.toString();
    }

    private void readStderr(Process process) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                stderr.add(line);
                LOG.debugf("[%s] %s", name, line);
            }
        } catch (IOException e) {
            LOG.debugf("[%s] stderr closed: %s", name, e.toString());
        } finally {
            stderr.ended();
        }
    }

    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> write(message), writer);
        return Mono.fromFuture(written);
    }

    private void write(JSONRPCMessage message) {
        OutputStream out = stdin;
        if (out == null) {
            throw new IllegalStateException(name + " is not started");
        }
        try {
            out.write(json.writeValueAsString(message).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot write to the server: " + e.getMessage(), e);
        }
    }

    /** Closes stdin (EOF asks the server to stop) and sends SIGTERM; the pool kills what remains. */
    @Override
    public Mono<Void> closeGracefully() {
        return Mono.defer(() -> {
            writer.shutdown();
            Process process = started.getNow(null);
            if (process == null) {
                return Mono.empty();
            }
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // already closed: the server is on its way out
            }
            process.destroy();
            return Mono.fromFuture(process.onExit()).then();
        });
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
        return json.convertValue(data, type);
    }

    private static Thread daemon(Runnable r, String threadName) {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        return t;
    }
}
