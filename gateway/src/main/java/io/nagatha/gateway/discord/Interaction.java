package io.nagatha.gateway.discord;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts of a Discord interaction the endpoint uses. {@code command} is the slash command's
 * name, with its subcommand after a space ({@code session new}); {@code options} its options by
 * name. The user is the member's user in a guild and the plain user in a DM.
 */
record Interaction(String id, int type, String token, String applicationId, String userId, String guildId,
        String channelId, long permissions, String command, Map<String, String> options) {

    static final int PING = 1;
    static final int APPLICATION_COMMAND = 2;

    private static final long ADMINISTRATOR = 1L << 3;
    private static final long MANAGE_CHANNELS = 1L << 4;

    /** May this person change the channel's settings: in a DM anyone, in a guild with Manage Channels. */
    boolean mayManageChannel() {
        return guildId == null || (permissions & (ADMINISTRATOR | MANAGE_CHANNELS)) != 0;
    }

    /** The Nagatha identity of the person behind this interaction. */
    String identity() {
        return "discord:" + userId;
    }

    static Interaction parse(JsonNode body) {
        JsonNode user = body.path("member").path("user");
        if (user.isMissingNode()) {
            user = body.path("user");
        }
        JsonNode data = body.path("data");
        StringBuilder command = new StringBuilder(data.path("name").asText(""));
        Map<String, String> options = new LinkedHashMap<>();
        JsonNode level = data.path("options");
        // Subcommands (type 1) nest their options one level down.
        while (level.isArray() && level.size() == 1 && level.get(0).path("type").asInt() == 1) {
            command.append(' ').append(level.get(0).path("name").asText());
            level = level.get(0).path("options");
        }
        if (level.isArray()) {
            level.forEach(option -> options.put(option.path("name").asText(), option.path("value").asText()));
        }
        return new Interaction(body.path("id").asText(null), body.path("type").asInt(0), body.path("token").asText(null),
                body.path("application_id").asText(null), user.path("id").asText(null), body.path("guild_id").asText(null),
                body.path("channel_id").asText(null), permissions(body.path("member").path("permissions").asText("0")),
                command.toString(), options);
    }

    /** Discord sends the member's permissions in the channel as a decimal bit set in a string. */
    private static long permissions(String bits) {
        try {
            return Long.parseUnsignedLong(bits);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
