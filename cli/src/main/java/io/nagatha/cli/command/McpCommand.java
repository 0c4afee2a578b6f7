package io.nagatha.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.cli.client.Gateway;
import io.nagatha.cli.term.Table;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code nagatha mcp status|restart}. */
@Command(name = "mcp", description = "The pool's MCP servers: status, restart.", mixinStandardHelpOptions = true,
        subcommands = {McpCommand.Status.class, McpCommand.Restart.class})
public final class McpCommand extends GroupCommand {

    @Command(name = "status", description = "Each MCP server with its state, tools and connections.", mixinStandardHelpOptions = true)
    static final class Status extends GatewayCommand {
        @Mixin
        JsonOption output;

        @Override
        int execute() {
            JsonNode servers = gateway().get("/api/v1/mcp/servers");
            return print(output, servers, () -> table(servers), "No MCP servers configured (add them to the mcpServers file: docs/mcp-config.md).");
        }

        private static Table table(JsonNode servers) {
            Table table = new Table("SERVER", "TRANSPORT", "STATE", "TOOLS", "CONNECTIONS", "LAST CHECK", "LAST ERROR");
            for (JsonNode server : servers.path("items")) {
                Map<String, Integer> byState = new TreeMap<>();
                String lastError = "";
                for (JsonNode connection : server.path("connections")) {
                    byState.merge(connection.path("state").asText(), 1, Integer::sum);
                    if (connection.hasNonNull("lastError")) {
                        lastError = connection.path("lastError").asText();
                    }
                }
                table.row(server.path("name").asText(), server.path("transport").asText(), server.path("state").asText(),
                        server.path("tools").asInt(), byState.isEmpty() ? "-" : byState.toString().replaceAll("[{}]", ""),
                        ago(server.path("lastHealthCheck")), lastError);
            }
            return table;
        }
    }

    @Command(name = "restart", description = "Restart an MCP server's connections (admin keys).", mixinStandardHelpOptions = true)
    static final class Restart extends GatewayCommand {
        @Parameters(paramLabel = "SERVER")
        String name;

        @Override
        int execute() {
            gateway().post("/api/v1/mcp/servers/" + Gateway.segment(name) + "/restart", null);
            out().println("Restarting " + name + " (watch it with: nagatha mcp status)");
            return 0;
        }
    }
}
