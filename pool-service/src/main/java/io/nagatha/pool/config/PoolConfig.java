package io.nagatha.pool.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Every bound of the pool; docs/mcp-config.md lists them with their defaults. */
@ConfigMapping(prefix = "nagatha.pool")
public interface PoolConfig {

    /** The mcpServers JSON file (Claude Desktop format). Unset: no servers. */
    Optional<Path> configFile();

    /** How often the file is checked for changes (hot reload). */
    @WithDefault("2s")
    Duration reloadInterval();

    /** Connections a server keeps open even when idle (warm). */
    @WithDefault("1")
    int minIdle();

    /** An idle connection above {@link #minIdle()} is closed after this long unused. */
    @WithDefault("5m")
    Duration idleTimeout();

    /** Bound of the MCP initialize handshake of a new connection. */
    @WithDefault("20s")
    Duration initTimeout();

    /** Bound of any request on a connection when the call's own deadline is later. */
    @WithDefault("60s")
    Duration requestTimeout();

    Stdio stdio();

    Http http();

    Health health();

    Restart restart();

    Consumer consumer();

    /** How often each replica writes its view of the servers to Redis. */
    @WithDefault("2s")
    Duration statusInterval();

    interface Stdio {
        /** Connections (child processes) per stdio server. */
        @WithDefault("3")
        int maxConnections();

        /** Time a closing server gets to exit before it and its descendants are killed. */
        @WithDefault("2s")
        Duration closeGrace();

        /** The longest message a server may send (one line of stdout); a longer one is skipped. */
        @WithDefault("16M")
        MemorySize maxMessageSize();
    }

    interface Http {
        /** Connections per Streamable HTTP or SSE server. */
        @WithDefault("8")
        int maxConnections();

        @WithDefault("10s")
        Duration connectTimeout();
    }

    interface Health {
        /** How often every idle connection is pinged. */
        @WithDefault("30s")
        Duration interval();

        /** A ping slower than this fails the connection. */
        @WithDefault("5s")
        Duration timeout();
    }

    interface Restart {
        /** First pause after a failure; doubles with each failure in a row. */
        @WithDefault("500ms")
        Duration backoffBase();

        @WithDefault("30s")
        Duration backoffMax();

        /** Share of each pause drawn at random (0..1), so replicas do not retry in step. */
        @WithDefault("0.2")
        double jitter();

        /** Failures in a row after which the circuit opens: no more attempts until it closes. */
        @WithDefault("5")
        int maxAttempts();

        /** How long an open circuit stays open before one more attempt (or an operator's restart). */
        @WithDefault("5m")
        Duration circuitOpen();
    }

    interface Consumer {
        /** Tool calls one replica runs at once. */
        @WithDefault("32")
        int concurrency();

        /** BLOCK of one read of the tool-calls stream; keep it well under quarkus.redis.timeout. */
        @WithDefault("1s")
        Duration readBlock();

        /** A call pending this long on a silent replica is taken over by another (XAUTOCLAIM). */
        @WithDefault("30s")
        Duration reclaimIdle();
    }
}
