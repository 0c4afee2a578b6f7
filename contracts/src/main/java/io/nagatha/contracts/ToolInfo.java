package io.nagatha.contracts;

import com.fasterxml.jackson.databind.JsonNode;

/** One entry of the tool catalogue; {@code server}/{@code name} is unique across all servers. */
public record ToolInfo(String server, String name, String description, JsonNode inputSchema) {

    /** The namespaced name, {@code server/tool}, used as catalogue field and usage key. */
    public String qualifiedName() {
        return Keys.toolField(server, name);
    }
}
