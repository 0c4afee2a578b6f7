package io.nagatha.discordbot;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.discordbot.config.DiscordConfig;
import io.nagatha.discordbot.discord.DiscordRest;
import io.nagatha.discordbot.service.BotRuntime;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code nagatha discord bot} runs the bot until stopped; {@code nagatha discord register
 * [--guild <id>]} puts the slash command definitions to Discord and exits.
 */
@QuarkusMain
public class BotMain implements QuarkusApplication {

    @Inject
    DiscordConfig discord;

    @Inject
    BotRuntime runtime;

    @Override
    public int run(String... args) {
        String mode = args.length == 0 ? "bot" : args[0];
        return switch (mode) {
            case "bot" -> {
                try {
                    runtime.start();
                } catch (IllegalStateException | IllegalArgumentException e) {
                    System.err.println("the bot cannot start: " + e.getMessage() + " (docs/discord.md)");
                    yield 2;
                }
                Quarkus.waitForExit();
                yield 0;
            }
            case "register" -> register(args);
            default -> {
                System.err.println("usage: nagatha discord bot | nagatha discord register [--guild <guild id>]");
                yield 2;
            }
        };
    }

    private int register(String... args) {
        String guild = discord.guildId().orElse(null);
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--guild") && i + 1 < args.length) {
                guild = args[++i];
            } else {
                System.err.println("unknown argument " + args[i] + "; usage: nagatha discord register [--guild <guild id>]");
                return 2;
            }
        }
        if (discord.botToken().isEmpty() || discord.applicationId().isEmpty()) {
            System.err.println("set NAGATHA_DISCORD_BOT_TOKEN and NAGATHA_DISCORD_APPLICATION_ID (Developer Portal: Bot, General Information)");
            return 2;
        }
        try {
            JsonNode registered = new DiscordRest(discord.apiBase(), discord.botToken().get())
                    .putCommands(discord.applicationId().get(), guild, Commands.definitions());
            List<String> names = new ArrayList<>();
            registered.forEach(command -> names.add("/" + command.path("name").asText()));
            System.out.println("Registered " + names.size() + " commands " + (guild == null ? "globally (they appear within an hour)"
                    : "in guild " + guild) + ": " + String.join(" ", names));
            return 0;
        } catch (DiscordRest.DiscordFailure e) {
            System.err.println("registration failed: " + e.getMessage());
            return 1;
        }
    }
}
