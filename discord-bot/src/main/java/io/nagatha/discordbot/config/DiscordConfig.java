package io.nagatha.discordbot.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Discord itself: the same {@code nagatha.discord.*} keys (and Secret) the gateway uses. */
@ConfigMapping(prefix = "nagatha.discord")
public interface DiscordConfig {

    /** The bot token; env NAGATHA_DISCORD_BOT_TOKEN. */
    Optional<String> botToken();

    /** The application id; env NAGATHA_DISCORD_APPLICATION_ID. */
    Optional<String> applicationId();

    /** Unused by the bot (the gateway verifies interactions with it); declared so the shared Secret maps cleanly. */
    Optional<String> publicKey();

    /** Discord's REST API; tests point it at a fake. */
    @WithDefault("https://discord.com/api/v10")
    String apiBase();

    /** Register commands in this guild only (instant) instead of globally (up to an hour to appear). */
    Optional<String> guildId();
}
