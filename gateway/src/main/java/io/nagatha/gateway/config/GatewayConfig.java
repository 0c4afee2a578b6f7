package io.nagatha.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The gateway's bounds and behaviour. */
@ConfigMapping(prefix = "nagatha.gateway")
public interface GatewayConfig {

    /** Longest message content, in characters. */
    @WithDefault("32768")
    int maxMessageLength();

    /** Longest {@code wait} a client may ask for on a message post. */
    @WithDefault("120s")
    Duration maxWait();

    /** Turns the turns stream keeps at most (approximately); a backlog that long means no agent is running. */
    @WithDefault("100000")
    long turnsMaxLen();

    /** Longest idempotency key, in characters. */
    @WithDefault("128")
    int maxIdempotencyKeyLength();

    /** Comment lines sent on an idle SSE stream, so that proxies keep it open. */
    @WithDefault("15s")
    Duration sseKeepAlive();

    /** How long the event tail's read waits before it looks for newly watched sessions. */
    @WithDefault("2s")
    Duration tailBlock();

    /** Events the tail reads per session per round trip. */
    @WithDefault("200")
    int tailBatch();
}
