package io.nagatha.agent.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.internal.JsonSchemaElementJsonUtils;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import io.nagatha.agent.config.AgentConfig;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.ToolInfo;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The pool's tool catalogue as one user's model sees it: only the tools the user is allowed,
 * at most {@code nagatha.agent.tools.max}, each under a name the OpenAI API accepts
 * ({@code ^[a-zA-Z0-9_-]{1,64}$}: {@code server__tool}, since {@code server/tool} has a slash).
 */
@ApplicationScoped
public class Toolbox {

    private static final Logger LOG = Logger.getLogger(Toolbox.class);
    /** Keys of an MCP input schema that make langchain4j read the root as raw JSON instead of an object. */
    private static final Set<String> ROOT_ANNOTATIONS = Set.of("$schema", "$id", "title", "examples", "$comment");

    private final RedisDataSource redis;
    private final AgentConfig.Tools config;
    private volatile Catalogue cached = new Catalogue(List.of(), 0);

    Toolbox(RedisDataSource redis, AgentConfig config) {
        this.redis = redis;
        this.config = config.tools();
    }

    /** A tool the model can call: where it lives, and how the model names it. */
    public record Tool(String server, String tool, String modelName, ToolSpecification spec) {
    }

    /** The tools one user's model may call in one turn, by model-facing name. */
    public record Tools(Map<String, Tool> byModelName) {

        public List<ToolSpecification> specifications() {
            return byModelName.values().stream().map(Tool::spec).toList();
        }

        public Optional<Tool> find(String modelName) {
            return Optional.ofNullable(byModelName.get(modelName));
        }
    }

    /** Every tool in the catalogue, allowed to the user or not, sorted by {@code server/tool}. */
    public List<ToolInfo> catalogue() {
        Catalogue current = cached;
        if (System.nanoTime() - current.readAt() > config.catalogueRefresh().toNanos() || current.readAt() == 0) {
            List<ToolInfo> tools = new ArrayList<>();
            for (String json : redis.hash(String.class).hgetall(Keys.TOOL_CATALOGUE).values()) {
                try {
                    tools.add(Json.decode(json, ToolInfo.class));
                } catch (IllegalArgumentException e) {
                    LOG.debugf("skipping an unreadable catalogue entry: %s", e.getMessage());
                }
            }
            tools.sort(Comparator.comparing(ToolInfo::qualifiedName));
            current = new Catalogue(Collections.unmodifiableList(tools), System.nanoTime());
            cached = current;
        }
        return current.tools();
    }

    /** The catalogue entries {@code userId} may use. */
    public List<ToolInfo> allowed(String userId) {
        List<String> patterns = config.users().getOrDefault(userId, config.allow());
        return catalogue().stream().filter(t -> allows(patterns, t.server(), t.name())).toList();
    }

    public boolean isAllowed(String userId, String server, String tool) {
        return allows(config.users().getOrDefault(userId, config.allow()), server, tool);
    }

    /** The tools offered to the model for this user's turn. */
    public Tools forUser(String userId) {
        Map<String, Tool> byName = new LinkedHashMap<>();
        for (ToolInfo info : allowed(userId)) {
            if (byName.size() >= config.max()) {
                LOG.debugf("tool cap (%d) reached: %s/%s and later ones are not offered to the model", config.max(),
                        info.server(), info.name());
                break;
            }
            String name = unique(modelName(info.server(), info.name()), byName);
            byName.put(name, new Tool(info.server(), info.name(), name, ToolSpecification.builder()
                    .name(name)
                    .description(describe(info))
                    .parameters(parameters(info.inputSchema()))
                    .build()));
        }
        return new Tools(byName);
    }

    /** {@code server__tool}, with anything the OpenAI API refuses in a name replaced by {@code _}, at most 64 characters. */
    public static String modelName(String server, String tool) {
        String name = (server + "__" + tool).replaceAll("[^a-zA-Z0-9_-]", "_");
        return name.length() <= 64 ? name : name.substring(0, 64);
    }

    private static String unique(String name, Map<String, Tool> taken) {
        String candidate = name;
        for (int i = 2; taken.containsKey(candidate); i++) {
            String suffix = "_" + i;
            candidate = (name.length() + suffix.length() <= 64 ? name : name.substring(0, 64 - suffix.length())) + suffix;
        }
        return candidate;
    }

    private static String describe(ToolInfo info) {
        String description = info.description() == null || info.description().isBlank() ? "" : info.description().strip();
        return "[" + info.server() + "/" + info.name() + "] " + description;
    }

    /**
     * The MCP input schema as langchain4j's object schema. Keywords langchain4j does not model
     * (minimum, format, default, …) are kept verbatim; only root annotations are dropped, since
     * they would turn the root into raw JSON, which a tool's parameters may not be.
     */
    @SuppressWarnings("unchecked")
    static JsonObjectSchema parameters(JsonNode inputSchema) {
        if (inputSchema == null || !inputSchema.isObject()) {
            return JsonObjectSchema.builder().build();
        }
        Map<String, Object> root = new HashMap<>(Json.MAPPER.convertValue(inputSchema, Map.class));
        root.keySet().removeAll(ROOT_ANNOTATIONS);
        root.putIfAbsent("type", "object");
        try {
            JsonSchemaElement element = JsonSchemaElementJsonUtils.fromMap(root);
            if (element instanceof JsonObjectSchema object) {
                return object;
            }
        } catch (RuntimeException e) {
            LOG.debugf("tool schema not understood (%s); offering the tool without parameters", e.getMessage());
        }
        return JsonObjectSchema.builder().build();
    }

    static boolean allows(List<String> patterns, String server, String tool) {
        for (String raw : patterns) {
            String pattern = raw.strip();
            if (pattern.equals("*") || pattern.equals(server + "/*") || pattern.equals(server + "/" + tool)) {
                return true;
            }
        }
        return false;
    }

    private record Catalogue(List<ToolInfo> tools, long readAt) {
    }
}
