package io.nagatha.discordbot.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.nagatha.contracts.DiscordText;
import io.nagatha.discordbot.client.NagathaClient;
import io.nagatha.discordbot.discord.DiscordRest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The bot's message-handling core, independent of JDA: which messages to answer (DMs, mentions,
 * and in auto-chat channels within their rate limit), each at most once (keyed by Discord message
 * id), in order per channel, with the typing indicator on while Nagatha works. When Nagatha's
 * gateway cannot be reached a message is tried again with growing waits, a bounded number of
 * times, and only then answered with an apology — never dropped in silence. One channel's trouble
 * stays in that channel: each has its own queue, and a failure ends only that message.
 */
public class MessageHandler implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MessageHandler.class);

    /** The handler's bounds and timings (from {@code nagatha.bot.*}). */
    public record Settings(Duration turnWait, Duration replyDeadline, int retryAttempts, Duration retryBackoff,
            Duration retryMaxBackoff, int concurrency, int channelQueue, int dedupeSize, Duration typingInterval) {
    }

    private final NagathaClient nagatha;
    private final DiscordRest discord;
    private final AutoChat autoChat;
    private final Settings settings;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final ExecutorService workers;
    private final ScheduledExecutorService typing = Executors.newSingleThreadScheduledExecutor(daemon("discord-typing"));
    private final Set<String> seen;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    /** Counted down by {@link #close}: ends a wait to retry at once. */
    private final CountDownLatch closing = new CountDownLatch(1);

    public MessageHandler(NagathaClient nagatha, DiscordRest discord, AutoChat autoChat, Settings settings, MeterRegistry metrics,
            Clock clock) {
        this.nagatha = nagatha;
        this.discord = discord;
        this.autoChat = autoChat;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(settings.concurrency(), daemon("discord-handler"));
        this.seen = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > settings.dedupeSize();
            }
        }));
    }

    /** Takes a message from Discord; returns at once (the answer is worked on in the channel's lane). */
    public void onMessage(InboundMessage message) {
        if (message.authorIsBot()) {
            return; // never answer bots, ourselves included: two bots must not talk forever
        }
        if (!seen.add(message.messageId())) {
            metrics.counter("nagatha.discord.bot.messages", "outcome", "duplicate").increment();
            return;
        }
        lanes.computeIfAbsent(message.channelId(), Lane::new).offer(message);
    }

    /** Messages of one channel, answered one after another on the shared workers. */
    private final class Lane {
        private final String channelId;
        private final Deque<InboundMessage> waiting = new ArrayDeque<>();
        private boolean running;

        Lane(String channelId) {
            this.channelId = channelId;
        }

        synchronized void offer(InboundMessage message) {
            if (waiting.size() >= settings.channelQueue()) {
                InboundMessage dropped = waiting.pollFirst();
                metrics.counter("nagatha.discord.bot.messages", "outcome", "dropped").increment();
                LOG.warnf("channel %s: queue full, message %s dropped", channelId, dropped.messageId());
            }
            waiting.addLast(message);
            if (!running) {
                running = true;
                workers.execute(this::drain);
            }
        }

        private void drain() {
            while (true) {
                InboundMessage next;
                synchronized (this) {
                    next = waiting.pollFirst();
                    if (next == null) {
                        running = false;
                        return;
                    }
                }
                try {
                    handle(next);
                } catch (RuntimeException e) {
                    metrics.counter("nagatha.discord.bot.messages", "outcome", "failed").increment();
                    LOG.errorf(e, "channel %s: message %s failed", channelId, next.messageId());
                }
            }
        }
    }

    private void handle(InboundMessage message) {
        boolean addressed = message.isDirect() || message.mentionsBot();
        if (!addressed) {
            if (!autoChat.setting(message.channelId()).enabled()) {
                return;
            }
            if (!autoChat.tryReply(message.channelId())) {
                metrics.counter("nagatha.discord.bot.messages", "outcome", "rate_limited").increment();
                LOG.debugf("channel %s: auto-chat budget spent, message %s not answered", message.channelId(), message.messageId());
                return;
            }
        }
        if (message.content() == null || message.content().isBlank()) {
            deliver(message, "Yes? Ask me anything.");
            return;
        }
        CompletableFuture<Void> firstTyping = CompletableFuture.runAsync(() -> showTyping(message.channelId()), typing);
        long every = settings.typingInterval().toMillis();
        ScheduledFuture<?> typingIndicator = typing.scheduleAtFixedRate(() -> showTyping(message.channelId()), every, every,
                TimeUnit.MILLISECONDS);
        String text;
        try {
            text = answer(message);
        } finally {
            typingIndicator.cancel(false);
        }
        // Typing that reached Discord after the reply would show Nagatha typing for seconds more; a
        // typing call held up (rate-limited) delays the reply by 5 s at most.
        firstTyping.completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
        deliver(message, text);
    }

    /** Nagatha's reply, waiting out short outages of its gateway. */
    private String answer(InboundMessage message) {
        Instant deadline = clock.instant().plus(settings.replyDeadline());
        String key = "discord-" + message.messageId(); // the same turn on every try, so it is answered once
        int failures = 0;
        while (true) {
            try {
                NagathaClient.Reply reply = nagatha.send(message.identity(), message.content(), key, settings.turnWait());
                if (reply.finished()) {
                    metrics.counter("nagatha.discord.bot.messages", "outcome", "answered").increment();
                    return reply.text();
                }
                if (clock.instant().isAfter(deadline)) {
                    return "Still working on it; the reply will be in your session's history.";
                }
            } catch (NagathaClient.Unavailable e) {
                failures++;
                metrics.counter("nagatha.discord.bot.gateway.retries").increment();
                if (failures >= settings.retryAttempts()) {
                    metrics.counter("nagatha.discord.bot.messages", "outcome", "unreachable").increment();
                    LOG.warnf("message %s: Nagatha unreachable after %d tries: %s", message.messageId(), failures, e.getMessage());
                    return "Sorry, I cannot reach Nagatha right now. Please send that again in a few minutes.";
                }
                Duration wait = backoff(failures);
                if (e.retryAfter().compareTo(wait) > 0) {
                    wait = e.retryAfter();
                }
                LOG.infof("message %s: Nagatha unreachable (%s), try %d of %d in %d ms", message.messageId(), e.getMessage(),
                        failures + 1, settings.retryAttempts(), wait.toMillis());
                waitOrStop(wait);
            } catch (NagathaClient.Refused e) {
                metrics.counter("nagatha.discord.bot.messages", "outcome", "refused").increment();
                return "Sorry: " + e.getMessage();
            }
        }
    }

    private Duration backoff(int failures) {
        Duration wait = settings.retryBackoff().multipliedBy(1L << Math.min(failures - 1, 16));
        return wait.compareTo(settings.retryMaxBackoff()) > 0 ? settings.retryMaxBackoff() : wait;
    }

    private void deliver(InboundMessage message, String text) {
        List<String> parts = DiscordText.split(text);
        for (int i = 0; i < parts.size(); i++) {
            try {
                discord.send(message.channelId(), parts.get(i), i == 0 ? message.messageId() : null);
            } catch (DiscordRest.DiscordFailure e) {
                metrics.counter("nagatha.discord.bot.send.failed").increment();
                LOG.warnf("channel %s: reply to %s not sent: %s", message.channelId(), message.messageId(), e.getMessage());
                return;
            }
        }
    }

    private void showTyping(String channelId) {
        try {
            discord.typing(channelId);
        } catch (RuntimeException e) {
            LOG.debugf("channel %s: typing indicator not shown: %s", channelId, e.getMessage());
        }
    }

    /** The reply to {@code /auto-chat on|off|status}; changing it needs Manage Channels in a guild. */
    public String autoChatCommand(String action, String channelId, boolean direct, boolean canManageChannels, String userId) {
        if (!"status".equals(action) && !direct && !canManageChannels) {
            return "Turning auto-chat on or off here needs the Manage Channels permission.";
        }
        return switch (action) {
            case "on" -> {
                autoChat.set(channelId, true, userId);
                yield "Auto-chat is on: I answer every message in this channel (at most " + autoChat.limit() + " per "
                        + autoChat.period().toMinutes() + " min).";
            }
            case "off" -> {
                autoChat.set(channelId, false, userId);
                yield "Auto-chat is off: I answer here only when mentioned.";
            }
            default -> {
                AutoChat.Setting setting = autoChat.setting(channelId);
                yield "Auto-chat is " + (setting.enabled() ? "on" : "off")
                        + (setting.by() == null ? "" : " (set by <@" + setting.by() + "> at " + setting.at() + ")")
                        + "; " + autoChat.used(channelId) + " of " + autoChat.limit() + " replies used in the last "
                        + autoChat.period().toMinutes() + " min.";
            }
        };
    }

    private void waitOrStop(Duration duration) {
        try {
            if (closing.await(duration.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the bot is stopping");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        closing.countDown();
        discord.close();
        workers.shutdownNow();
        typing.shutdownNow();
    }
}
