package io.nagatha.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.cli.term.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code nagatha tools}: the MCP tools the pool offers. */
@Command(name = "tools", description = "The tools of the MCP servers in the pool.", mixinStandardHelpOptions = true)
public final class ToolsCommand extends GatewayCommand {

    @Mixin
    JsonOption output;

    @Override
    int execute() {
        JsonNode tools = gateway().get("/api/v1/tools");
        return print(output, tools, () -> {
            Table table = new Table("SERVER", "TOOL", "DESCRIPTION");
            tools.path("items").forEach(tool -> table.row(tool.path("server").asText(), tool.path("name").asText(), tool.path("description").asText("")));
            return table;
        }, "No tools: no MCP server is configured or connected (see nagatha mcp status and docs/mcp-config.md).");
    }
}
