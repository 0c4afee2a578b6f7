package io.nagatha.gateway.discord;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The Discord interactions endpoint. Without a public key the endpoint is off (404): nothing can be
 * verified, so nothing is accepted. The bot token is not the gateway's business (the bot and the
 * registration helper use it).
 */
@ConfigMapping(prefix = "nagatha.discord")
public interface DiscordConfig {

    /** The application's Ed25519 public key, hex (Developer Portal, General Information); env NAGATHA_DISCORD_PUBLIC_KEY. */
    Optional<String> publicKey();

    /** The application id, for the follow-up webhook URL; env NAGATHA_DISCORD_APPLICATION_ID. */
    Optional<String> applicationId();

    /** Discord's REST API; tests point it at a fake. */
    @WithDefault("https://discord.com/api/v10")
    String apiBase();

    /** A signed request whose timestamp is further than this from now (either way) is refused with 401. */
    @WithDefault("5m")
    Duration timestampTolerance();

    /** Largest interaction body accepted (Discord's are a few KiB). */
    @WithDefault("64K")
    MemorySize maxBodySize();

    /** How long {@code /ask} waits for the turn before saying it is still running (an interaction token lives 15 minutes). */
    @WithDefault("10m")
    Duration askWait();

    /** Deferred commands being worked on at once by this replica; beyond it a command is answered "busy" at once. */
    @WithDefault("256")
    int maxPending();
}
