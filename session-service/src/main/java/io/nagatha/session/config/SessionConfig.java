package io.nagatha.session.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Session rules that an operator may change. */
@ConfigMapping(prefix = "nagatha.sessions")
public interface SessionConfig {

    /** How long a session lives after its last activity ({@code expiresAt = lastActivity + ttl}). */
    @WithDefault("24h")
    Duration ttl();

    /** What a message arriving during a running turn does, unless the session says otherwise. */
    @WithDefault("queue")
    String defaultTurnPolicy();

    /** Longest title a session may have, in characters. */
    @WithDefault("200")
    int maxTitleLength();

    /** Largest interface {@code context} object, in bytes of JSON. */
    @WithDefault("4096")
    int maxContextBytes();

    /** Largest history page a client may ask for. */
    @WithDefault("200")
    int maxPageSize();

    /** How often a replica runs the cleanup pass (expiry, vanished interfaces, statistics). */
    @WithDefault("60s")
    Duration cleanupInterval();

    /**
     * Whether a replica takes a lease before its pass, so that only one replica at a time does the
     * work. Correctness never depends on it (every change is a compare-and-set); it saves work.
     */
    @WithDefault("true")
    boolean cleanupLease();

    /** Sessions examined per batch of the cleanup pass. */
    @WithDefault("500")
    int cleanupBatch();

    /**
     * An interface attached through the HTTP API (no open socket) counts as gone after this long
     * without activity from it; one held by a WebSocket stays while its gateway replica lives.
     */
    @WithDefault("30m")
    Duration attachmentTtl();

    /** History page size when the client does not say. */
    @WithDefault("50")
    int defaultPageSize();
}
