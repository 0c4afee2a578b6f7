package io.nagatha.discordbot.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The bot: how it reaches Nagatha's gateway, and its bounds. */
@ConfigMapping(prefix = "nagatha.bot")
public interface BotConfig {

    /** Nagatha's gateway. */
    @WithDefault("http://127.0.0.1:8080")
    String gatewayUrl();

    /**
     * An admin key: the bot acts for each Discord user with {@code X-Nagatha-Identity: discord:<id>},
     * and keeps its own settings as the identity {@code discord-bot:<application id>}.
     */
    Optional<String> apiKey();

    /** How long one request waits for a turn's reply ({@code ?wait=}, at most the gateway's max-wait). */
    @WithDefault("60s")
    Duration turnWait();

    /** How long the bot waits for a reply in all before it says the turn is still running. */
    @WithDefault("10m")
    Duration replyDeadline();

    /** Tries for a message while Nagatha's gateway is unreachable, with doubling waits from {@code retry-backoff}. */
    @WithDefault("6")
    int retryAttempts();

    @WithDefault("1s")
    Duration retryBackoff();

    @WithDefault("30s")
    Duration retryMaxBackoff();

    /** Replies auto-chat may send per channel per {@code auto-chat-period} (mentions and DMs are not counted). */
    @WithDefault("20")
    int autoChatLimit();

    @WithDefault("1h")
    Duration autoChatPeriod();

    /** How long a channel's auto-chat setting is cached before it is read from Nagatha again. */
    @WithDefault("30s")
    Duration settingsCacheTtl();

    /** Messages being answered at once, over all channels; a channel answers its messages in order. */
    @WithDefault("16")
    int concurrency();

    /** Messages waiting per channel; beyond it the oldest waiting is dropped with a notice. */
    @WithDefault("20")
    int channelQueue();

    /** Message ids remembered so a redelivered message is answered once. */
    @WithDefault("10000")
    int dedupeSize();

    /** The typing indicator lasts 10 s on Discord; it is renewed this often while a turn runs. */
    @WithDefault("8s")
    Duration typingInterval();
}
