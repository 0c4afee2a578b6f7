package io.nagatha.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the gateway is and which key to use. The key: {@code --key}, then {@code NAGATHA_API_KEY},
 * then the first credentials file found (see {@link #credentialFiles}). The URL: {@code --url},
 * then {@code NAGATHA_URL}, then the {@code NAGATHA_URL} line of that credentials file (the local
 * runner writes its gateway's address there), then {@value #DEFAULT_URL}.
 */
public final class CliConfig {

    public static final String DEFAULT_URL = "http://127.0.0.1:8080";

    private final String url;
    private final String key;
    private final String keySource;
    private final Duration timeout;
    private final Duration connectTimeout;

    private CliConfig(String url, String key, String keySource, Duration timeout, Duration connectTimeout) {
        this.url = url;
        this.key = key;
        this.keySource = keySource;
        this.timeout = timeout;
        this.connectTimeout = connectTimeout;
    }

    /** {@code timeout} bounds each request (and a WebSocket's attach); {@code connectTimeout} each new connection. */
    public static CliConfig resolve(String urlOption, String keyOption, Duration timeout, Duration connectTimeout, Map<String, String> env) {
        Optional<Path> credentials = credentialFiles(env).stream().filter(Files::isReadable).findFirst();
        Map<String, String> fromFile = credentials.map(CliConfig::readEnvFile).orElse(Map.of());
        String url = firstNonBlank(urlOption, env.get("NAGATHA_URL"), fromFile.get("NAGATHA_URL"), DEFAULT_URL);
        String key;
        String source;
        if (notBlank(keyOption)) {
            key = keyOption;
            source = "--key";
        } else if (notBlank(env.get("NAGATHA_API_KEY"))) {
            key = env.get("NAGATHA_API_KEY");
            source = "NAGATHA_API_KEY";
        } else if (notBlank(fromFile.get("NAGATHA_API_KEY"))) {
            key = fromFile.get("NAGATHA_API_KEY");
            source = credentials.get().toString();
        } else {
            key = null;
            source = null;
        }
        return new CliConfig(stripSlash(url), key, source, timeout, connectTimeout);
    }

    /**
     * The credentials files looked at, in order: {@code $NAGATHA_HOME/credentials} (what
     * {@code ./nagatha up} writes, and what the {@code ./nagatha} script points at),
     * {@code ./.nagatha/credentials} (the runner's default home, from the repository's root), then
     * {@code credentials} in the user's config directory.
     */
    public static List<Path> credentialFiles(Map<String, String> env) {
        List<Path> files = new ArrayList<>();
        if (notBlank(env.get("NAGATHA_HOME"))) {
            files.add(Path.of(env.get("NAGATHA_HOME"), "credentials"));
        }
        files.add(Path.of(".nagatha", "credentials").toAbsolutePath());
        files.add(userConfigDir(env).resolve("credentials"));
        return files;
    }

    /** {@code $XDG_CONFIG_HOME/nagatha}, else {@code ~/.config/nagatha} ({@code %APPDATA%\nagatha} on Windows). */
    public static Path userConfigDir(Map<String, String> env) {
        if (notBlank(env.get("XDG_CONFIG_HOME"))) {
            return Path.of(env.get("XDG_CONFIG_HOME"), "nagatha");
        }
        if (notBlank(env.get("APPDATA")) && System.getProperty("os.name", "").startsWith("Windows")) {
            return Path.of(env.get("APPDATA"), "nagatha");
        }
        return Path.of(System.getProperty("user.home"), ".config", "nagatha");
    }

    /** KEY=value lines; # comments and blank lines skipped; one level of quotes removed. */
    static Map<String, String> readEnvFile(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                int eq = trimmed.indexOf('=');
                if (trimmed.isEmpty() || trimmed.startsWith("#") || eq < 1) {
                    continue;
                }
                String value = trimmed.substring(eq + 1).strip();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                values.putIfAbsent(trimmed.substring(0, eq).strip(), value);
            }
        } catch (IOException e) {
            return Map.of();
        }
        return values;
    }

    public String url() {
        return url;
    }

    /** The API key; a {@link CliException} (exit 4) saying where keys come from when there is none. */
    public String key() {
        if (key == null) {
            throw new CliException(ExitCodes.UNAUTHORIZED, "no API key: pass --key, set NAGATHA_API_KEY, or run ./nagatha up once "
                    + "(it writes .nagatha/credentials). Looked in: " + credentialFiles(System.getenv()));
        }
        return key;
    }

    public String keySource() {
        return keySource;
    }

    public Duration timeout() {
        return timeout;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (notBlank(value)) {
                return value;
            }
        }
        return null;
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
