package io.nagatha.pool.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.nagatha.contracts.Json;
import io.nagatha.pool.config.PoolConfig;
import io.nagatha.pool.config.ServerSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * Opens one MCP connection with the official Java SDK's client (mcp-core 2.1.0 on Jackson 2): over
 * the pool's own {@link StdioTransport} for stdio (a child with only the environment its config
 * names, in a session of its own, watched and killed by the pool, stderr kept for errors), over the
 * SDK's transports for Streamable HTTP and SSE. A server that dies during start-up fails at once,
 * with its last stderr lines, instead of after the initialize timeout.
 */
@ApplicationScoped
public class McpClientFactory {

    /** What a child inherits from the pool besides its own config: enough to find programs and a home. */
    private static final List<String> INHERITED = List.of("PATH", "HOME");

    private final PoolConfig config;
    private final McpJsonMapper json;
    private final DefaultJsonSchemaValidator validator;

    McpClientFactory(PoolConfig config) {
        this.config = config;
        ObjectMapper mapper = Json.MAPPER;
        this.json = new JacksonMcpJsonMapper(mapper);
        this.validator = new DefaultJsonSchemaValidator(mapper);
    }

    /**
     * Starts the server (stdio) or connects to it (HTTP, SSE) and completes the MCP handshake.
     *
     * @param toolsChanged called with the new tool list on {@code notifications/tools/list_changed}
     * @throws McpStartException when it does not come up within the init timeout or exits first
     */
    public McpLink open(ServerSpec spec, Consumer<List<McpSchema.Tool>> toolsChanged) {
        StderrTail stderr = new StderrTail();
        StdioTransport stdio = spec.transport() == ServerSpec.Transport.STDIO ? stdio(spec, stderr) : null;
        McpClientTransport transport = stdio != null ? stdio : remote(spec);
        List<McpSchema.Root> roots = spec.roots().stream()
                .map(dir -> new McpSchema.Root(Path.of(dir).toAbsolutePath().toUri().toString(), Path.of(dir).getFileName().toString()))
                .toList();
        McpAsyncClient client = McpClient.async(transport)
                .requestTimeout(config.requestTimeout())
                .initializationTimeout(config.initTimeout())
                .clientInfo(new McpSchema.Implementation("nagatha-pool", "1.0"))
                // Roots are always offered: server-filesystem asks for them (roots/list) and uses the answer.
                .capabilities(McpSchema.ClientCapabilities.builder().roots(true).build())
                .roots(roots)
                .toolsChangeConsumer(tools -> Mono.fromRunnable(() -> toolsChanged.accept(tools)))
                .jsonSchemaValidator(validator)
                .build();
        CompletableFuture<McpSchema.InitializeResult> init = client.initialize().toFuture();
        Optional<Process> process = stdio == null ? Optional.empty() : started(stdio, init);
        try {
            McpSchema.InitializeResult result = awaitInitialized(spec, init, process, stderr);
            List<ProcessHandle> tree = process.map(p -> p.descendants().toList()).orElse(List.of());
            return new McpLink(client, result, process, tree);
        } catch (McpStartException e) {
            client.close();
            process.ifPresent(ProcessKiller::kill);
            throw e;
        }
    }

    private McpSchema.InitializeResult awaitInitialized(ServerSpec spec, CompletableFuture<McpSchema.InitializeResult> init,
            Optional<Process> process, StderrTail stderr) {
        CompletableFuture<Object> exited = process.<CompletableFuture<Object>>map(p -> p.onExit().thenApply(p2 -> p2))
                .orElseGet(CompletableFuture::new);
        try {
            Object first = CompletableFuture.anyOf(init, exited).get(config.initTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
            if (first instanceof Process dead) {
                throw new McpStartException(spec.name() + " exited with code " + dead.exitValue() + " while starting"
                        + tail(stderr));
            }
            return (McpSchema.InitializeResult) first;
        } catch (TimeoutException e) {
            throw new McpStartException(spec.name() + " did not finish the MCP handshake within "
                    + config.initTimeout().toMillis() + " ms" + tail(stderr));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new McpStartException(spec.name() + " failed to start: " + describe(cause) + tail(stderr));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new McpStartException(spec.name() + ": interrupted while starting");
        }
    }

    private static String tail(StderrTail stderr) {
        String text = stderr.toString();
        return text.isEmpty() ? "" : " (stderr: " + text + ")";
    }

    /** The innermost message of an SDK failure, which is the one that says what went wrong. */
    public static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        return t == e ? message : e.getMessage() + " <- " + message;
    }

    private StdioTransport stdio(ServerSpec spec, StderrTail stderr) {
        ProcessBuilder builder = new ProcessBuilder(ProcessKiller.inOwnGroup(spec.command(), spec.args()));
        // The child gets exactly PATH and HOME plus what its config names, so no secret of the pool leaks.
        Map<String, String> env = builder.environment();
        env.clear();
        INHERITED.forEach(name -> Optional.ofNullable(System.getenv(name)).ifPresent(value -> env.put(name, value)));
        env.putAll(spec.env());
        spec.cwd().ifPresent(dir -> builder.directory(dir.toFile()));
        return new StdioTransport(spec.name(), builder, json, stderr, config.stdio().maxMessageSize().asLongValue());
    }

    /** The child, once the handshake has started it; empty when it could not be started (init then fails). */
    private Optional<Process> started(StdioTransport stdio, CompletableFuture<?> init) {
        try {
            CompletableFuture.anyOf(stdio.started(), init).get(config.initTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // reported by the handshake's own outcome
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return stdio.started().isDone() && !stdio.started().isCompletedExceptionally()
                ? Optional.of(stdio.started().join()) : Optional.empty();
    }

    private McpClientTransport remote(ServerSpec spec) {
        URI uri = URI.create(spec.url());
        String base = uri.getScheme() + "://" + uri.getRawAuthority();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? null : uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        HttpRequest.Builder request = HttpRequest.newBuilder();
        spec.headers().forEach(request::header);
        Duration connect = config.http().connectTimeout();
        if (spec.transport() == ServerSpec.Transport.SSE) {
            HttpClientSseClientTransport.Builder sse = HttpClientSseClientTransport.builder(base).jsonMapper(json)
                    .requestBuilder(request).connectTimeout(connect);
            return (path == null ? sse : sse.sseEndpoint(path)).build();
        }
        HttpClientStreamableHttpTransport.Builder http = HttpClientStreamableHttpTransport.builder(base).jsonMapper(json)
                .requestBuilder(request).connectTimeout(connect);
        return (path == null ? http : http.endpoint(path)).build();
    }
}
