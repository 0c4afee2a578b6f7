package io.nagatha.pool.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import io.nagatha.pool.config.ServerSpec.Transport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code mcpServers} JSON that Claude Desktop and Cursor users already have
 * ({@code command}, {@code args}, {@code env}), plus {@code transport}, {@code url} and
 * {@code headers} for remote servers, and Nagatha's {@code maxConnections}, {@code cwd} and
 * {@code roots}. {@code ${NAME}} in any string is replaced by that environment variable, so secrets
 * stay out of the file; {@code ${NAME:-fallback}} gives a default.
 */
public final class McpServersFile {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private McpServersFile() {
    }

    /**
     * Parses the file's text into server specs, in file order.
     *
     * @throws IllegalArgumentException when the text is not an object with an {@code mcpServers} object
     */
    public static Map<String, ServerSpec> parse(String json, UnaryOperator<String> environment, PoolConfig config) {
        JsonNode root = Json.decode(json, JsonNode.class);
        JsonNode servers = root.path("mcpServers");
        if (!servers.isObject()) {
            throw new IllegalArgumentException("the file needs an \"mcpServers\" object");
        }
        Map<String, ServerSpec> specs = new LinkedHashMap<>();
        servers.fields().forEachRemaining(entry -> {
            if (!entry.getValue().path("disabled").asBoolean(false)) {
                specs.put(entry.getKey(), spec(entry.getKey(), entry.getValue(), environment, config));
            }
        });
        return specs;
    }

    private static ServerSpec spec(String name, JsonNode node, UnaryOperator<String> environment, PoolConfig config) {
        List<String> problems = new ArrayList<>();
        UnaryOperator<String> expand = text -> expand(text, environment, problems);
        if (!NAME.matcher(name).matches()) {
            problems.add("a server name may only hold letters, digits, '.', '_' and '-'");
        }
        String command = expand.apply(node.path("command").asText(null));
        String url = expand.apply(node.path("url").asText(null));
        Transport transport = transport(node.path("transport").asText(null), command, url, problems);
        if (transport == Transport.STDIO && command == null) {
            problems.add("a stdio server needs a \"command\"");
        }
        if (transport != Transport.STDIO && url == null) {
            problems.add("a " + transport.label() + " server needs a \"url\"");
        }
        List<String> args = new ArrayList<>();
        node.path("args").forEach(arg -> args.add(expand.apply(arg.asText())));
        int defaultMax = transport == Transport.STDIO ? config.stdio().maxConnections() : config.http().maxConnections();
        int max = node.path("maxConnections").asInt(defaultMax);
        if (max < 1) {
            problems.add("maxConnections must be at least 1");
        }
        List<String> roots = new ArrayList<>();
        node.path("roots").forEach(root -> roots.add(expand.apply(root.asText())));
        Optional<Path> cwd = Optional.ofNullable(expand.apply(node.path("cwd").asText(null))).map(Path::of);
        return new ServerSpec(name, transport, command, List.copyOf(args), strings(node.path("env"), expand), cwd, url,
                strings(node.path("headers"), expand), List.copyOf(roots), Math.max(1, max),
                problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)));
    }

    private static Transport transport(String declared, String command, String url, List<String> problems) {
        if (declared == null) {
            // Claude Desktop's files name no transport: a command means stdio, a url Streamable HTTP.
            return command == null && url != null ? Transport.HTTP : Transport.STDIO;
        }
        switch (declared.toLowerCase(Locale.ROOT)) {
            case "stdio":
                return Transport.STDIO;
            case "http", "streamable-http", "streamablehttp", "streamable_http":
                return Transport.HTTP;
            case "sse":
                return Transport.SSE;
            default:
                problems.add("unknown transport \"" + declared + "\" (stdio, http or sse)");
                return Transport.STDIO;
        }
    }

    private static Map<String, String> strings(JsonNode object, UnaryOperator<String> expand) {
        Map<String, String> values = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> values.put(e.getKey(), expand.apply(e.getValue().asText())));
        return Map.copyOf(values);
    }

    static String expand(String text, UnaryOperator<String> environment, List<String> problems) {
        if (text == null) {
            return null;
        }
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = environment.apply(m.group(1));
            if (value == null) {
                value = m.group(3);
            }
            if (value == null) {
                problems.add("environment variable " + m.group(1) + " is not set");
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
