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

    /** Per-user rate limits, shared by every replica through Redis. */
    RateLimit rateLimit();

    /** Live clients: WebSockets and SSE streams. */
    Clients clients();

    interface RateLimit {

        /** Off only for tests and benchmarks that drive many requests through one key. */
        @WithDefault("true")
        boolean enabled();

        /** Every authenticated request: REST calls, SSE and WebSocket opens, WebSocket frames other than ping. */
        Budget requests();

        /** Messages that start a turn (REST or WebSocket), on top of the request budget. */
        Budget turns();
    }

    /** {@code limit} per {@code period} sustained, and up to {@code burst} at once. */
    interface Budget {

        int limit();

        Duration period();

        int burst();
    }

    interface Clients {

        /**
         * Frames a client may have waiting to be sent. When it is full, {@code message.delta} events
         * are dropped (the turn's {@code message} still comes); when it is full of other events, the
         * client is cut off (WebSocket close 1013, SSE stream ended) and resumes from its last id.
         */
        @WithDefault("512")
        int outboundQueue();

        /** A WebSocket that sends nothing (no frame, no pong to the server's pings) this long is closed (4408). */
        @WithDefault("90s")
        Duration idleTimeout();

        /** How often sockets are checked against the idle timeout. */
        @WithDefault("5s")
        Duration idleCheck();
    }
}
