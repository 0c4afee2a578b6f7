package io.nagatha.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.cli.client.Gateway;
import io.nagatha.cli.term.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nagatha sessions list|show|new|end}. */
@Command(name = "sessions", description = "Your sessions: list, show, new, end.", mixinStandardHelpOptions = true,
        subcommands = {SessionsCommand.ListSessions.class, SessionsCommand.ShowSession.class, SessionsCommand.NewSession.class, SessionsCommand.EndSession.class})
public final class SessionsCommand extends GroupCommand {

    @Command(name = "list", description = "List your sessions, newest first.", mixinStandardHelpOptions = true)
    static final class ListSessions extends GatewayCommand {
        @Mixin
        JsonOption output;

        @Option(names = "--active", description = "Only active sessions.")
        boolean active;

        @Option(names = "--user", paramLabel = "USER_ID", description = "Another user's sessions (admin keys).")
        String user;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many, 1-200 (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int execute() {
            StringBuilder query = new StringBuilder("?limit=" + limit);
            if (active) {
                query.append("&active=true");
            }
            if (user != null) {
                query.append("&user=").append(Gateway.segment(user));
            }
            JsonNode page = gateway().get("/api/v1/sessions" + query);
            return print(output, page, () -> {
                Table table = new Table("ID", "TITLE", "ACTIVE", "INTERFACES", "MESSAGES", "LAST ACTIVITY");
                for (JsonNode session : page.path("items")) {
                    table.row(session.path("id").asText(), session.path("title").asText(""), session.path("active").asBoolean() ? "yes" : "no",
                            interfaces(session), session.path("messageCount").asLong(), ago(session.path("lastActivity")));
                }
                return table;
            }, "No sessions yet. Start one with: nagatha chat \"Hello\" or nagatha connect cli");
        }
    }

    @Command(name = "show", description = "One session and its latest messages.", mixinStandardHelpOptions = true)
    static final class ShowSession extends GatewayCommand {
        @Mixin
        JsonOption output;

        @Parameters(paramLabel = "SESSION_ID")
        String id;

        @Option(names = "--messages", defaultValue = "10", description = "How many of the latest messages to show, 0-200 (default: ${DEFAULT-VALUE}).")
        int messages;

        @Override
        int execute() {
            String path = "/api/v1/sessions/" + Gateway.segment(id);
            JsonNode session = gateway().get(path);
            JsonNode history = messages > 0 ? gateway().get(path + "/messages?limit=" + messages).path("items") : null;
            if (output.json) {
                Map<String, Object> both = new LinkedHashMap<>();
                both.put("session", session);
                if (history != null) {
                    both.put("messages", history);
                }
                printJson(io.nagatha.contracts.Json.MAPPER.valueToTree(both));
                return 0;
            }
            Table table = new Table("FIELD", "VALUE");
            table.row("id", session.path("id").asText());
            table.row("title", session.path("title").asText(""));
            table.row("user", session.path("userId").asText());
            table.row("active", session.path("active").asBoolean() ? "yes" : "no");
            table.row("turn policy", session.path("turnPolicy").asText());
            table.row("interfaces", interfaces(session));
            table.row("messages", session.path("messageCount").asLong());
            table.row("created", session.path("createdAt").asText() + " (" + ago(session.path("createdAt")) + ")");
            table.row("last activity", ago(session.path("lastActivity")));
            table.row("expires", session.path("expiresAt").asText());
            JsonNode usage = session.path("usage");
            table.row("usage", usage.path("promptTokens").asLong() + " prompt + " + usage.path("completionTokens").asLong()
                    + " completion tokens, " + usage.path("toolCalls").asLong() + " tool calls");
            table.print(out());
            if (history != null && !history.isEmpty()) {
                out().println();
                for (JsonNode message : history) {
                    out().println("[" + message.path("interface").asText("?") + "] " + message.path("role").asText() + ": "
                            + message.path("content").asText(""));
                }
            }
            return 0;
        }
    }

    @Command(name = "new", description = "Start a new session (it becomes your active one).", mixinStandardHelpOptions = true)
    static final class NewSession extends GatewayCommand {
        @Mixin
        JsonOption output;

        @Option(names = "--title", description = "A title for it.")
        String title;

        @Override
        int execute() {
            Map<String, Object> body = new LinkedHashMap<>(Map.of("interface", "cli", "mode", "new"));
            if (title != null) {
                body.put("title", title);
            }
            JsonNode session = gateway().post("/api/v1/sessions", body);
            return print(output, session, () -> "New session " + session.path("id").asText() + (title == null ? "" : " \"" + title + "\""));
        }
    }

    @Command(name = "end", description = "End a session (its history stays readable until it expires).", mixinStandardHelpOptions = true)
    static final class EndSession extends GatewayCommand {
        @Parameters(paramLabel = "SESSION_ID")
        String id;

        @Override
        int execute() {
            gateway().delete("/api/v1/sessions/" + Gateway.segment(id));
            out().println("Ended session " + id);
            return 0;
        }
    }

    static String interfaces(JsonNode session) {
        List<String> types = new ArrayList<>();
        session.path("interfaces").forEach(i -> types.add(i.path("type").asText()));
        return types.isEmpty() ? "-" : String.join(", ", types);
    }
}
