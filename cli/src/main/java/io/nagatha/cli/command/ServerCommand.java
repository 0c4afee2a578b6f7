package io.nagatha.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.cli.CliException;
import io.nagatha.cli.ExitCodes;
import io.nagatha.cli.NagathaCli;
import io.nagatha.cli.term.Table;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code nagatha server start|stop|status|sessions}. Start and stop run the local runner
 * ({@code ./nagatha up --detach} and {@code down}): the bash runner stays the one place that starts
 * and stops processes.
 */
@Command(name = "server", description = "The local stack and the gateway's view of it: start, stop, status, sessions.",
        mixinStandardHelpOptions = true,
        subcommands = {ServerCommand.Start.class, ServerCommand.Stop.class, ServerCommand.Status.class, ServerCommand.Sessions.class})
public final class ServerCommand extends GroupCommand {

    @Command(name = "start", description = "Start Redis and the four services on this machine (./nagatha up --detach).", mixinStandardHelpOptions = true)
    static final class Start extends GatewayCommand {
        @Override
        int execute() {
            return runner("up", "--detach");
        }
    }

    @Command(name = "stop", description = "Stop what the local runner started (./nagatha down).", mixinStandardHelpOptions = true)
    static final class Stop extends GatewayCommand {
        @Override
        int execute() {
            return runner("down");
        }
    }

    @Command(name = "status", description = "Services and replicas, queues, sessions and MCP servers (GET /api/v1/status).", mixinStandardHelpOptions = true)
    static final class Status extends GatewayCommand {
        @Mixin
        JsonOption output;

        @Override
        int execute() {
            JsonNode status = gateway().get("/api/v1/status");
            if (output.json) {
                printJson(status);
                return 0;
            }
            out().println("Nagatha " + status.path("version").asText("?") + " at " + gateway().config().url() + ": " + status.path("status").asText());
            out().println();
            Table services = new Table("SERVICE", "REPLICAS", "REPLICA", "STARTED", "LAST SEEN");
            status.path("services").properties().forEach(service -> {
                JsonNode replicas = service.getValue();
                if (replicas.isEmpty()) {
                    services.row(service.getKey(), 0, "none running", "", "");
                }
                boolean first = true;
                for (JsonNode replica : replicas) {
                    services.row(first ? service.getKey() : "", first ? replicas.size() : "", replica.path("id").asText(),
                            ago(replica.path("startedAt")), ago(replica.path("lastSeen")));
                    first = false;
                }
            });
            services.print(out());
            out().println();
            Table queues = new Table("QUEUE", "LENGTH", "PENDING");
            status.path("queues").properties().forEach(q -> queues.row(q.getKey(), q.getValue().path("length").asLong(),
                    q.getValue().path("pending").asLong()));
            queues.print(out());
            out().println();
            printSessions(status.path("sessions"));
            out().println();
            JsonNode mcp = status.path("mcp");
            Table servers = new Table("MCP SERVERS", "IDLE", "BUSY", "ERROR", "CLOSED");
            JsonNode byState = mcp.path("byState");
            servers.row(mcp.path("servers").asInt(), byState.path("idle").asInt(), byState.path("busy").asInt(), byState.path("error").asInt(),
                    byState.path("closed").asInt());
            servers.print(out());
            return 0;
        }
    }

    @Command(name = "sessions", description = "Sessions across all users: active, by interface, created, expired (from /api/v1/status).",
            mixinStandardHelpOptions = true)
    static final class Sessions extends GatewayCommand {
        @Mixin
        JsonOption output;

        @Override
        int execute() {
            JsonNode sessions = gateway().get("/api/v1/status").path("sessions");
            if (output.json) {
                printJson(sessions);
            } else {
                printSessions(sessions);
                out().println();
                out().println("Your own sessions: nagatha sessions list");
            }
            return 0;
        }
    }

    static void printSessions(JsonNode sessions) {
        Table table = new Table("SESSIONS", "ACTIVE", "CREATED", "EXPIRED", "MESSAGES/SESSION (MEAN, MAX)");
        table.row("all", sessions.path("active").asLong(), sessions.path("created").asLong(), sessions.path("expired").asLong(),
                String.format("%.1f, %d", sessions.path("messagesPerSession").path("mean").asDouble(),
                        sessions.path("messagesPerSession").path("max").asLong()));
        sessions.path("byInterface").properties().forEach(i -> table.row("  " + i.getKey(), i.getValue().asLong(), "", "", ""));
        table.print(System.out);
    }

    /** Runs the local runner with {@code args}, in this terminal, and answers its exit code. */
    static int runner(String... args) {
        Path script = runnerScript();
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(script.getParent().toFile()).inheritIO().start();
            return process.waitFor();
        } catch (IOException e) {
            throw new CliException(ExitCodes.SERVER_ERROR, "cannot run " + script + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERRUPTED, "interrupted");
        }
    }

    /** {@code NAGATHA_RUNNER}, else the {@code nagatha} script of the checkout this jar was built in. */
    static Path runnerScript() {
        Map<String, String> env = System.getenv();
        if (env.get("NAGATHA_RUNNER") != null && !env.get("NAGATHA_RUNNER").isBlank()) {
            return Path.of(env.get("NAGATHA_RUNNER")).toAbsolutePath();
        }
        try {
            // <checkout>/cli/target/nagatha-cli.jar (or target/classes when run from the IDE)
            Path jar = Path.of(NagathaCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path script = jar.getParent().getParent().getParent().resolve("nagatha");
            if (Files.isExecutable(script)) {
                return script;
            }
        } catch (URISyntaxException | NullPointerException e) {
            // fall through to the message below
        }
        throw new CliException(ExitCodes.USAGE, "server start/stop run the local runner, the nagatha script of a Nagatha checkout: "
                + "set NAGATHA_RUNNER to its path. In Kubernetes, the stack is started by Helm (docs/deploy.md).");
    }
}
