package io.nagatha.discordbot.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import io.nagatha.discordbot.client.NagathaClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which channels Nagatha joins in without being mentioned, and how often it may. The settings are
 * kept in Nagatha itself — the memory of the bot's own identity ({@code discord-bot:<app id>},
 * section {@code user_preferences}, key {@code auto-chat.<channel id>}) — so they survive restarts
 * and are the same for every replica, and the bot never needs Redis. Reads are cached briefly.
 * The rate limit is a sliding window per channel, in memory: one Discord connection serves a
 * channel, so one process counts its replies.
 */
public class AutoChat {

    static final String SECTION = "user_preferences";

    private final NagathaClient nagatha;
    private final String botIdentity;
    private final int limit;
    private final Duration period;
    private final Duration cacheTtl;
    private final Clock clock;
    private final Map<String, Cached> settings = new ConcurrentHashMap<>();
    private final Map<String, Deque<Instant>> replies = new ConcurrentHashMap<>();

    /** A channel's setting: on or off, who set it and when. */
    public record Setting(boolean enabled, String by, Instant at) {
    }

    private record Cached(Setting setting, Instant until) {
    }

    public AutoChat(NagathaClient nagatha, String botIdentity, int limit, Duration period, Duration cacheTtl, Clock clock) {
        this.nagatha = nagatha;
        this.botIdentity = botIdentity;
        this.limit = limit;
        this.period = period;
        this.cacheTtl = cacheTtl;
        this.clock = clock;
    }

    public Setting setting(String channelId) {
        Instant now = clock.instant();
        Cached cached = settings.get(channelId);
        if (cached != null && cached.until().isAfter(now)) {
            return cached.setting();
        }
        Setting setting = nagatha.memory(botIdentity, SECTION, key(channelId))
                .map(v -> new Setting(v.path("enabled").asBoolean(false), v.path("by").asText(null),
                        v.hasNonNull("at") ? Instant.parse(v.path("at").asText()) : null))
                .orElse(new Setting(false, null, null));
        settings.put(channelId, new Cached(setting, now.plus(cacheTtl)));
        return setting;
    }

    public Setting set(String channelId, boolean enabled, String userId) {
        Setting setting = new Setting(enabled, userId, clock.instant());
        JsonNode value = Json.object().put("enabled", enabled).put("by", userId).put("at", setting.at().toString());
        nagatha.putMemory(botIdentity, SECTION, key(channelId), value);
        settings.put(channelId, new Cached(setting, clock.instant().plus(cacheTtl)));
        return setting;
    }

    /** Takes one reply from the channel's budget; false when it is spent. */
    public boolean tryReply(String channelId) {
        Instant now = clock.instant();
        Deque<Instant> sent = replies.computeIfAbsent(channelId, c -> new ArrayDeque<>());
        synchronized (sent) {
            while (!sent.isEmpty() && !sent.peekFirst().isAfter(now.minus(period))) {
                sent.pollFirst();
            }
            if (sent.size() >= limit) {
                return false;
            }
            sent.addLast(now);
            return true;
        }
    }

    /** Replies the channel has had in the current window. */
    public int used(String channelId) {
        Deque<Instant> sent = replies.get(channelId);
        if (sent == null) {
            return 0;
        }
        synchronized (sent) {
            Instant since = clock.instant().minus(period);
            return (int) sent.stream().filter(t -> t.isAfter(since)).count();
        }
    }

    public int limit() {
        return limit;
    }

    public Duration period() {
        return period;
    }

    private static String key(String channelId) {
        return "auto-chat." + channelId;
    }
}
