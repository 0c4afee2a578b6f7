package io.nagatha.pool;

import static io.nagatha.testing.McpTestServers.quote;

import io.nagatha.testing.McpTestServers;
import io.nagatha.testing.RedisServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Real Redis and the real reference MCP servers for the pool's tests: server-everything over stdio,
 * Streamable HTTP and SSE, server-memory, server-filesystem, the tiny stdio server and one that
 * never starts, all in one mcpServers file the pool reloads when a test rewrites it.
 */
public class PoolTestResource implements QuarkusTestResourceLifecycleManager {

    /** Marks the tiny server's processes (and its grandchildren) so a test can count them. */
    public static final String MARKER = marker("tiny");

    /** A marker unique to this JVM and {@code name}; no marker contains another. */
    static String marker(String name) {
        return "nagatha-pool-test-" + ProcessHandle.current().pid() + "-" + name + "-x";
    }

    static Path dir;
    static Path configFile;
    static Map<String, String> servers;
    private McpTestServers http;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("pool-test");
            Files.createDirectories(dir.resolve("files"));
            Files.createDirectories(dir.resolve("not-a-root"));
            Files.writeString(dir.resolve("files/hello.txt"), "hello from the filesystem server");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http = new McpTestServers();
        int httpPort = http.startEverything("streamableHttp");
        int ssePort = http.startEverything("sse");
        servers = new LinkedHashMap<>();
        servers.put("everything", "{\"command\":\"node\",\"args\":[" + quote(McpTestServers.script("everything"))
                + ",\"stdio\"],\"env\":{\"PROBE_VAR\":\"${POOL_TEST_PROBE:-from-config}\"}}");
        servers.put("memory", "{\"command\":\"node\",\"args\":[" + quote(McpTestServers.script("memory"))
                + "],\"env\":{\"MEMORY_FILE_PATH\":" + quote(dir.resolve("memory.jsonl").toString()) + "},\"maxConnections\":1}");
        servers.put("filesystem", "{\"command\":\"node\",\"args\":[" + quote(McpTestServers.script("filesystem")) + ","
                + quote(dir.resolve("not-a-root").toString()) + "],\"roots\":[" + quote(dir.resolve("files").toString()) + "]}");
        servers.put("everything-http", "{\"transport\":\"http\",\"url\":\"http://127.0.0.1:" + httpPort + "/mcp\"}");
        servers.put("everything-sse", "{\"transport\":\"sse\",\"url\":\"http://127.0.0.1:" + ssePort + "/sse\"}");
        servers.put("tiny", "{\"command\":\"bash\",\"args\":[" + quote(McpTestServers.tinyServer()) + "," + quote(MARKER)
                + "],\"maxConnections\":2}");
        servers.put("tiny-deaf", "{\"command\":\"bash\",\"args\":[" + quote(McpTestServers.tinyServer()) + ","
                + quote(marker("deaf")) + "],\"env\":{\"TINY_PING\":\"silent\"},\"maxConnections\":1}");
        servers.put("broken", "{\"command\":\"node\",\"args\":[\"-e\",\"console.error('no config for me'); process.exit(3)\"]}");
        configFile = McpTestServers.writeConfig(dir.resolve("mcp-servers.json"), servers);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("nagatha.redis.url", RedisServer.shared().url());
        config.put("nagatha.pool.config-file", configFile.toString());
        config.put("nagatha.pool.reload-interval", "200ms");
        config.put("nagatha.pool.restart.backoff-base", "5ms");
        config.put("nagatha.pool.restart.backoff-max", "200ms");
        config.put("nagatha.pool.restart.max-attempts", "3");
        config.put("nagatha.pool.restart.circuit-open", "10m");
        config.put("nagatha.pool.stdio.close-grace", "500ms");
        config.put("nagatha.pool.init-timeout", "15s");
        config.put("nagatha.pool.idle-timeout", "2s");
        config.put("nagatha.pool.health.interval", "500ms");
        config.put("nagatha.pool.health.timeout", "300ms");
        return config;
    }

    /** Rewrites the config file with {@code extra} servers added to the standard ones. */
    static void writeServers(Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(servers);
        all.putAll(extra);
        McpTestServers.writeConfig(configFile, all);
    }

    @Override
    public void stop() {
        if (http != null) {
            http.close();
        }
    }
}
