package io.nagatha.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.nagatha.cli.CliConfig;
import io.nagatha.cli.CliException;
import io.nagatha.cli.ExitCodes;
import io.nagatha.contracts.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The gateway's REST API over the JDK's HttpClient. Every failure becomes a {@link CliException}
 * with one readable line (a problem document's title, detail and code) and the exit code for it.
 */
public final class Gateway {

    private final CliConfig config;
    private final HttpClient http;

    public Gateway(CliConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
    }

    public CliConfig config() {
        return config;
    }

    HttpClient http() {
        return http;
    }

    public JsonNode get(String path) {
        return send("GET", path, null, config.timeout());
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body, config.timeout());
    }

    /** A POST that may take {@code timeout} (e.g. {@code ?wait=}). */
    public JsonNode post(String path, Object body, Duration timeout) {
        return send("POST", path, body, timeout);
    }

    public JsonNode put(String path, Object body) {
        return send("PUT", path, body, config.timeout());
    }

    public JsonNode patch(String path, Object body) {
        return send("PATCH", path, body, config.timeout());
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null, config.timeout());
    }

    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The answer's JSON ({@link NullNode} for an empty body) when the status is 2xx. */
    private JsonNode send(String method, String path, Object body, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(config.url() + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + config.key())
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.encode(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unreachable(config, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERRUPTED, "interrupted");
        }
        JsonNode json = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            throw problem(response.statusCode(), json, response.body());
        }
        return json;
    }

    /** The exception for a gateway that does not answer. */
    static CliException unreachable(CliConfig config, Throwable e) {
        String url = config.url();
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof ConnectException)) {
            cause = cause.getCause();
        }
        String why;
        if (cause instanceof HttpConnectTimeoutException || e instanceof HttpConnectTimeoutException) {
            why = "no connection within " + config.connectTimeout().toSeconds() + " s (--connect-timeout)";
        } else if (e instanceof HttpTimeoutException) {
            return new CliException(ExitCodes.SERVER_ERROR, "the gateway at " + url + " did not answer in time (--timeout)");
        } else if (cause instanceof ConnectException) {
            why = "connection refused";
        } else if (cause instanceof UnresolvedAddressException) {
            why = "unknown host";
        } else {
            why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return new CliException(ExitCodes.UNREACHABLE, "cannot reach the gateway at " + url + " (" + why + "). "
                + "Is Nagatha running? Start it with: nagatha server start (or ./nagatha up); point elsewhere with --url or NAGATHA_URL");
    }

    /** A readable line from a problem document (or whatever the body was) and the exit code for the status. */
    static CliException problem(int status, JsonNode json, String raw) {
        String message;
        if (json.isObject() && (json.has("title") || json.has("detail"))) {
            String title = json.path("title").asText("");
            String detail = json.path("detail").asText("");
            String code = json.path("code").asText("");
            message = title.isEmpty() ? detail : detail.isEmpty() || detail.equals(title) ? title : title + ": " + detail;
            if (!code.isEmpty()) {
                message += " [" + code + "]";
            }
            if (status == 429 && json.hasNonNull("retryAfter")) {
                message += " (retry in " + json.get("retryAfter").asLong() + " s)";
            }
        } else {
            message = "HTTP " + status + (raw == null || raw.isBlank() ? "" : ": " + abbreviate(raw.strip(), 200));
        }
        if (status == 401) {
            message += ". Check the key (--key, NAGATHA_API_KEY or the credentials file)";
        }
        return new CliException(ExitCodes.forStatus(status), message);
    }

    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return NullNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return NullNode.getInstance();
        }
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }
}
