package io.nagatha.cli.command;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.nagatha.cli.client.Gateway;
import io.nagatha.cli.term.Table;
import io.nagatha.contracts.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nagatha memory get|set|list|delete}: the user's memory, by section. */
@Command(name = "memory", description = "Your memory: list, get, set, delete (sections: user_preferences, facts, session_state, command_history, temporary).",
        mixinStandardHelpOptions = true,
        subcommands = {MemoryCommand.ListEntries.class, MemoryCommand.Get.class, MemoryCommand.Set.class, MemoryCommand.Delete.class})
public final class MemoryCommand extends GroupCommand {

    static String path(String section, String key) {
        return "/api/v1/memory/" + Gateway.segment(section) + (key == null ? "" : "/" + Gateway.segment(key));
    }

    /** The SECTION KEY pair that names one entry. */
    static final class Entry {
        @Parameters(index = "0", paramLabel = "SECTION")
        String section;

        @Parameters(index = "1", paramLabel = "KEY")
        String key;

        String path() {
            return MemoryCommand.path(section, key);
        }

        @Override
        public String toString() {
            return section + "/" + key;
        }
    }

    /** A text value as itself, anything else as JSON. */
    static String text(JsonNode value) {
        return value.isTextual() ? value.asText() : value.toString();
    }

    @Command(name = "list", description = "The entries of a section.", mixinStandardHelpOptions = true)
    static final class ListEntries extends GatewayCommand {
        @Mixin
        JsonOption output;

        @Parameters(paramLabel = "SECTION")
        String section;

        @Override
        int execute() {
            JsonNode entries = gateway().get(path(section, null));
            return print(output, entries, () -> {
                Table table = new Table("KEY", "VALUE", "EXPIRES");
                entries.path("items").forEach(e -> table.row(e.path("key").asText(), text(e.path("value")),
                        e.hasNonNull("expiresAt") ? ago(e.path("expiresAt")) : "never"));
                return table;
            }, "Nothing in " + section + ".");
        }
    }

    @Command(name = "get", description = "One entry's value.", mixinStandardHelpOptions = true)
    static final class Get extends GatewayCommand {
        @Mixin
        JsonOption output;

        @Mixin
        Entry entry;

        @Override
        int execute() {
            JsonNode stored = gateway().get(entry.path());
            return print(output, stored, () -> text(stored.path("value")));
        }
    }

    @Command(name = "set", description = "Store a value: JSON when it parses as JSON (42, true, {\"a\":1}), else text.",
            mixinStandardHelpOptions = true)
    static final class Set extends GatewayCommand {
        @Mixin
        JsonOption output;

        @Mixin
        Entry entry;

        @Parameters(index = "2", paramLabel = "VALUE")
        String value;

        @Option(names = "--ttl", paramLabel = "SECONDS", description = "Forget it after this long.")
        Long ttlSeconds;

        @Option(names = "--text", description = "Store VALUE as text even when it parses as JSON.")
        boolean text;

        @Override
        int execute() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("value", text ? TextNode.valueOf(value) : parse(value));
            if (ttlSeconds != null) {
                body.put("ttlSeconds", ttlSeconds);
            }
            JsonNode stored = gateway().put(entry.path(), body);
            return print(output, stored, () -> "Stored " + entry + (stored.hasNonNull("expiresAt") ? " until " + stored.path("expiresAt").asText() : ""));
        }

        private static JsonNode parse(String value) {
            try {
                return Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(value);
            } catch (IOException e) {
                return TextNode.valueOf(value);
            }
        }
    }

    @Command(name = "delete", description = "Forget one entry.", mixinStandardHelpOptions = true)
    static final class Delete extends GatewayCommand {
        @Mixin
        Entry entry;

        @Override
        int execute() {
            gateway().delete(entry.path());
            out().println("Deleted " + entry);
            return 0;
        }
    }
}
