package io.nagatha.discordbot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nagatha.contracts.Json;

/**
 * The slash commands Nagatha offers, as Discord's command definitions: {@code /ask}, {@code /link},
 * {@code /session}, {@code /status} (answered by the gateway's interactions endpoint) and
 * {@code /auto-chat} (which only members with Manage Channels see by default).
 */
final class Commands {

    private static final int SUB_COMMAND = 1;
    private static final int STRING = 3;
    /** Discord's MANAGE_CHANNELS permission bit. */
    private static final String MANAGE_CHANNELS = String.valueOf(1 << 4);

    private Commands() {
    }

    static JsonNode definitions() {
        ArrayNode commands = Json.MAPPER.createArrayNode();
        ObjectNode ask = command(commands, "ask", "Ask Nagatha; the conversation continues where you left it");
        option(ask, STRING, "prompt", "What to ask", true).put("max_length", 6000);
        ObjectNode link = command(commands, "link", "Link your Discord account to your Nagatha user (run `nagatha link` first)");
        option(link, STRING, "code", "The code `nagatha link` printed", true).put("min_length", 10).put("max_length", 12);
        ObjectNode session = command(commands, "session", "Your Nagatha session");
        option(session, SUB_COMMAND, "new", "Start a new session", false);
        option(session, SUB_COMMAND, "status", "Show your active session", false);
        command(commands, "status", "Nagatha's health: services, sessions, queues, MCP servers");
        ObjectNode autoChat = command(commands, "auto-chat", "Let Nagatha answer every message in this channel");
        autoChat.put("default_member_permissions", MANAGE_CHANNELS);
        option(autoChat, SUB_COMMAND, "on", "Answer every message here (rate limited)", false);
        option(autoChat, SUB_COMMAND, "off", "Answer only when mentioned", false);
        option(autoChat, SUB_COMMAND, "status", "Is auto-chat on here, and how much of its budget is used", false);
        return commands;
    }

    private static ObjectNode command(ArrayNode commands, String name, String description) {
        ObjectNode command = commands.addObject().put("name", name).put("type", 1).put("description", description);
        // Usable in servers, in DMs with the bot, and in private channels.
        command.putArray("contexts").add(0).add(1).add(2);
        command.putArray("integration_types").add(0);
        return command;
    }

    private static ObjectNode option(ObjectNode command, int type, String name, String description, boolean required) {
        ArrayNode options = command.has("options") ? (ArrayNode) command.get("options") : command.putArray("options");
        ObjectNode option = options.addObject().put("type", type).put("name", name).put("description", description);
        if (type != SUB_COMMAND) {
            option.put("required", required);
        }
        return option;
    }
}
