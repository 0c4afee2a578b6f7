package io.nagatha.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.cli.client.Gateway;
import io.nagatha.cli.term.Table;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nagatha keys create|list|revoke} (admin keys only: the gateway answers 403 otherwise). */
@Command(name = "keys", description = "API keys (admin): create, list, revoke.", mixinStandardHelpOptions = true,
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand extends GroupCommand {

    @Command(name = "create", description = "Make a key for a user; it is shown only this once.", mixinStandardHelpOptions = true)
    static final class Create extends GatewayCommand {
        @Mixin
        JsonOption output;

        @Option(names = "--user", required = true, paramLabel = "USER_ID", description = "The user the key belongs to (made if new).")
        String user;

        @Option(names = "--name", required = true, description = "What the key is for, e.g. laptop.")
        String name;

        @Option(names = "--admin", description = "An admin key (acts on every user's data).")
        boolean admin;

        @Override
        int execute() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("userId", user);
            body.put("name", name);
            body.put("admin", admin);
            JsonNode created = gateway().post("/api/v1/keys", body);
            return print(output, created, () -> "Key " + created.path("id").asText() + " for " + created.path("userId").asText(user)
                    + (admin ? " (admin)" : "") + ":\n" + created.path("key").asText()
                    + "\nIt is shown only now; give it to its user (NAGATHA_API_KEY=... or --key).");
        }
    }

    @Command(name = "list", description = "Every key (never the secret itself).", mixinStandardHelpOptions = true)
    static final class ListKeys extends GatewayCommand {
        @Mixin
        JsonOption output;

        @Override
        int execute() {
            JsonNode keys = gateway().get("/api/v1/keys");
            return print(output, keys, () -> {
                Table table = new Table("ID", "USER", "NAME", "ADMIN", "CREATED");
                JsonNode items = keys.has("items") ? keys.path("items") : keys;
                items.forEach(key -> table.row(key.path("id").asText(), key.path("userId").asText(), key.path("name").asText(""),
                        key.path("admin").asBoolean() ? "yes" : "no", ago(key.path("createdAt"))));
                return table;
            }, null);
        }
    }

    @Command(name = "revoke", description = "Revoke a key: it stops working at once.", mixinStandardHelpOptions = true)
    static final class Revoke extends GatewayCommand {
        @Parameters(paramLabel = "KEY_ID")
        String id;

        @Override
        int execute() {
            gateway().delete("/api/v1/keys/" + Gateway.segment(id));
            out().println("Revoked key " + id);
            return 0;
        }
    }
}
