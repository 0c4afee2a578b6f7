package io.nagatha.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code nagatha link}: a one-time code that binds another identity (Discord) to this user. */
@Command(name = "link", description = "Print a one-time code that links your Discord account (or another identity) to you.",
        mixinStandardHelpOptions = true)
public final class LinkCommand extends GatewayCommand {

    @Mixin
    JsonOption output;

    @Override
    int execute() {
        JsonNode code = gateway().post("/api/v1/identities/link-codes", null);
        String value = code.path("code").asText();
        return print(output, code, () -> "Link code: " + value + "   (single use, valid until " + code.path("expiresAt").asText() + ")\n\n"
                + "In Discord, send:   /link code:" + value + "\n"
                + "Afterwards your Discord account continues the sessions, memory and history you have here.");
    }
}
