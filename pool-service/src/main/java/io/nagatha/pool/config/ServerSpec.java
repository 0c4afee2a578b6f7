package io.nagatha.pool.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One entry of the mcpServers file, after ${ENV} expansion. {@code problem} is set when the entry
 * is unusable (bad transport, unset variable): the server is then shown in {@code error} and never
 * started.
 */
public record ServerSpec(
        String name,
        Transport transport,
        String command,
        List<String> args,
        Map<String, String> env,
        Optional<Path> cwd,
        String url,
        Map<String, String> headers,
        List<String> roots,
        int maxConnections,
        Optional<String> problem) {

    public enum Transport {
        STDIO("stdio"), HTTP("http"), SSE("sse");

        private final String label;

        Transport(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
