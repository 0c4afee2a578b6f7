package io.nagatha.discordbot.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.nagatha.discordbot.client.NagathaClient;
import io.nagatha.discordbot.config.BotConfig;
import io.nagatha.discordbot.config.DiscordConfig;
import io.nagatha.discordbot.discord.DiscordRest;
import io.nagatha.discordbot.discord.JdaListener;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import net.dv8tion.jda.api.utils.cache.CacheFlag;
import org.jboss.logging.Logger;

/**
 * The running bot: JDA's connection to Discord (which reconnects and resumes its session by itself,
 * replaying what arrived meanwhile) feeding the message core. Each concern keeps its own failure:
 * a Discord reconnect does not touch queued messages, a Nagatha outage is retried per message, and
 * one channel's failure ends only that message.
 */
@ApplicationScoped
public class BotRuntime {

    private static final Logger LOG = Logger.getLogger(BotRuntime.class);

    private final BotConfig bot;
    private final DiscordConfig discord;
    private final MeterRegistry metrics;
    private MessageHandler handler;
    private JDA jda;

    BotRuntime(BotConfig bot, DiscordConfig discord, MeterRegistry metrics) {
        this.bot = bot;
        this.discord = discord;
        this.metrics = metrics;
    }

    public void start() {
        String token = discord.botToken().filter(t -> !t.isBlank())
                .orElseThrow(() -> new IllegalStateException("NAGATHA_DISCORD_BOT_TOKEN is not set"));
        String key = bot.apiKey().filter(k -> !k.isBlank())
                .orElseThrow(() -> new IllegalStateException("NAGATHA_BOT_API_KEY (an admin key of Nagatha) is not set"));
        NagathaClient nagatha = new NagathaClient(bot.gatewayUrl(), key);
        String identity = "discord-bot:" + discord.applicationId().orElse("default");
        AutoChat autoChat = new AutoChat(nagatha, identity, bot.autoChatLimit(), bot.autoChatPeriod(), bot.settingsCacheTtl(),
                Clock.systemUTC());
        handler = new MessageHandler(nagatha, new DiscordRest(discord.apiBase(), token), autoChat, settings(bot), metrics,
                Clock.systemUTC());
        jda = JDABuilder.createLight(token, GatewayIntent.GUILD_MESSAGES, GatewayIntent.DIRECT_MESSAGES, GatewayIntent.MESSAGE_CONTENT)
                .setRestConfig(new RestConfig().setBaseUrl(discord.apiBase().replaceAll("/+$", "") + "/"))
                .setMemberCachePolicy(MemberCachePolicy.NONE)
                .disableCache(CacheFlag.VOICE_STATE, CacheFlag.EMOJI, CacheFlag.STICKER, CacheFlag.SCHEDULED_EVENTS)
                .setAutoReconnect(true)
                .addEventListeners(new JdaListener(handler))
                .build();
        LOG.infof("Discord bot starting; Nagatha at %s, settings as %s", bot.gatewayUrl(), identity);
    }

    /** JDA's connection state, for the readiness check (empty before {@link #start}). */
    public Optional<JDA.Status> status() {
        return Optional.ofNullable(jda).map(JDA::getStatus);
    }

    public static MessageHandler.Settings settings(BotConfig bot) {
        return new MessageHandler.Settings(bot.turnWait(), bot.replyDeadline(), bot.retryAttempts(), bot.retryBackoff(),
                bot.retryMaxBackoff(), bot.concurrency(), bot.channelQueue(), bot.dedupeSize(), bot.typingInterval());
    }

    @PreDestroy
    void stop() {
        if (jda != null) {
            jda.shutdown();
        }
        if (handler != null) {
            handler.close();
        }
    }
}
