package io.nagatha.testing;

import io.nagatha.contracts.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The reference MCP servers of {@code mcp/package.json} (installed by {@code npm ci} in
 * {@code mcp/}), for tests: paths to their entry points, HTTP-mode instances on free loopback ports,
 * and the tiny stdio server of {@code mcp/test-servers}.
 */
public final class McpTestServers implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();

    /** The repository's {@code mcp/} folder, found from the working directory upwards. */
    public static Path mcpDir() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mcp/package.json"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no mcp/package.json above " + System.getProperty("user.dir"));
        }
        Path mcp = dir.resolve("mcp");
        if (!Files.isDirectory(mcp.resolve("node_modules/@modelcontextprotocol/server-everything"))) {
            throw new IllegalStateException("the MCP servers are not installed: run (cd " + mcp + " && npm ci)");
        }
        return mcp;
    }

    /** The entry script of {@code @modelcontextprotocol/server-<name>}. */
    public static String script(String name) {
        return mcpDir().resolve("node_modules/@modelcontextprotocol/server-" + name + "/dist/index.js").toString();
    }

    /** The tiny stdio server (bash), see {@code mcp/test-servers/tiny-stdio.sh}. */
    public static String tinyServer() {
        return mcpDir().resolve("test-servers/tiny-stdio.sh").toString();
    }

    /**
     * Starts server-everything in {@code streamableHttp} or {@code sse} mode on a free port and
     * returns its port once it accepts connections.
     */
    public int startEverything(String mode) {
        int port = FreePorts.next();
        try {
            ProcessBuilder builder = new ProcessBuilder("node", script("everything"), mode)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put("PORT", Integer.toString(port));
            processes.add(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start server-everything " + mode, e);
        }
        Awaitility.await("server-everything " + mode + " on " + port).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50)).until(() -> accepts(port));
        return port;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes an mcpServers file ({@code servers}: name to the server's JSON object text). */
    public static Path writeConfig(Path file, Map<String, String> servers) {
        StringBuilder json = new StringBuilder("{\"mcpServers\":{");
        servers.forEach((name, server) -> json.append(json.charAt(json.length() - 1) == '{' ? "" : ",")
                .append('"').append(name).append("\":").append(server));
        json.append("}}");
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temp, json);
            // Replaced in one step, so a reloading pool never reads half a file.
            return Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON string literal of {@code text}. */
    public static String quote(String text) {
        return Json.encode(text);
    }

    @Override
    public void close() {
        processes.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }
}
