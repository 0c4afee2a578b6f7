package io.nagatha.pool.service;

import io.modelcontextprotocol.spec.McpSchema;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.McpConnectionStatus;
import io.nagatha.pool.client.McpClientFactory;
import io.nagatha.pool.client.McpLink;
import io.nagatha.pool.client.ProcessKiller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * One live MCP session with one server, and its bookkeeping. Its state is changed only by its
 * {@link ServerPool}, under the pool's lock.
 */
public final class McpConnection {

    private final String id;
    private final McpLink link;
    private final Instant createdAt = Instant.now();
    private final AtomicLong useCount = new AtomicLong();
    private final AtomicLong errorCount = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile String state = McpConnectionStatus.IDLE;
    private volatile Instant lastUsed = createdAt;
    private volatile String lastError;
    /** Set when the server's process exited: why every pending and later call fails. */
    private volatile String death;

    McpConnection(String id, McpLink link) {
        this.id = id;
        this.link = link;
    }

    public String id() {
        return id;
    }

    public String state() {
        return state;
    }

    void state(String state) {
        this.state = state;
    }

    Instant lastUsed() {
        return lastUsed;
    }

    public OptionalLong pid() {
        return link.process().map(p -> OptionalLong.of(p.pid())).orElse(OptionalLong.empty());
    }

    Optional<Process> process() {
        return link.process();
    }

    /** Runs one tool call; a tool's own error comes back as a result with isError, not as an exception. */
    McpSchema.CallToolResult call(String tool, Map<String, Object> arguments, Duration timeout) {
        useCount.incrementAndGet();
        lastUsed = Instant.now();
        try {
            return await(link.client().callTool(new McpSchema.CallToolRequest(tool, arguments)), timeout, "tools/call " + tool);
        } finally {
            lastUsed = Instant.now();
        }
    }

    void ping(Duration timeout) {
        await(link.client().ping(), timeout, "ping");
    }

    /** Every tool the server offers, following pagination. */
    List<McpSchema.Tool> listTools(Duration timeout) {
        List<McpSchema.Tool> tools = new ArrayList<>();
        String cursor = null;
        do {
            McpSchema.ListToolsResult page = await(link.client().listTools(cursor), timeout, "tools/list");
            tools.addAll(page.tools());
            cursor = page.nextCursor();
        } while (cursor != null && !cursor.isEmpty());
        return tools;
    }

    private <T> T await(Mono<T> request, Duration timeout, String what) {
        CompletableFuture<T> future = request.toFuture();
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ToolCallException(ErrorCodes.UPSTREAM_TIMEOUT, what + " got no answer within " + timeout.toMillis() + " ms", false);
        } catch (ExecutionException e) {
            String why = death != null ? death : McpClientFactory.describe(e.getCause() != null ? e.getCause() : e);
            boolean broken = death != null || closing.get() || !processAlive();
            throw new ToolCallException(ErrorCodes.UPSTREAM_ERROR, what + " failed: " + why, broken);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolCallException(ErrorCodes.UPSTREAM_ERROR, what + " interrupted", false);
        }
    }

    /** False once the server's process is gone (always true for HTTP and SSE). */
    boolean processAlive() {
        return link.process().map(Process::isAlive).orElse(true);
    }

    /** The server's process exited on its own: fail what is pending now instead of at the request timeout. */
    void died(String why) {
        death = why;
        recordError(why);
        link.client().close();
    }

    void recordError(String error) {
        errorCount.incrementAndGet();
        lastError = error;
    }

    /**
     * Closes the session and ends the server's process tree: a bounded graceful close (stdin EOF,
     * SIGTERM), then SIGKILL for the process and every descendant still alive.
     */
    void close(Duration grace) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(link.descendants());
        link.process().ifPresent(p -> p.descendants().forEach(tree::add));
        try {
            if (death == null && processAlive()) {
                link.client().closeGracefully().timeout(grace).onErrorResume(e -> Mono.empty()).block();
            }
        } catch (RuntimeException e) {
            // A close that fails still ends with the kill below.
        } finally {
            // The kill first, so nothing the client's close does can delay or skip it.
            link.process().ifPresent(p -> {
                ProcessKiller.kill(p, tree);
                ProcessKiller.awaitExit(p, grace.toMillis());
            });
            link.client().close();
        }
    }

    public McpConnectionStatus status() {
        return new McpConnectionStatus(id, state, createdAt, lastUsed, useCount.get(), errorCount.get(), lastError);
    }
}
