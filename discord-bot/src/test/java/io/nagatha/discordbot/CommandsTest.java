package io.nagatha.discordbot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slash command definitions {@code register} sends. */
class CommandsTest {

    @Test
    void theDefinitionsAreDiscordCommandsWithTheirOptions() {
        JsonNode commands = Commands.definitions();
        List<String> shapes = new ArrayList<>();
        commands.forEach(c -> {
            List<String> options = new ArrayList<>();
            c.path("options").forEach(o -> options.add(o.path("name").asText() + (o.path("required").asBoolean() ? "*" : "")));
            shapes.add(c.path("name").asText() + options);
        });
        assertThat(shapes).containsExactly("ask[prompt*]", "link[code*]", "session[new, status]", "status[]",
                "auto-chat[on, off, status]");
        assertThat(commands.get(4).path("default_member_permissions").asText()).isEqualTo("16");
        commands.forEach(c -> assertThat(c.path("description").asText()).hasSizeBetween(1, 100));
    }
}
