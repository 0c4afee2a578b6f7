package io.nagatha.support.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Bounds of the tool-call streams, shared by the callers (agent, gateway) and the pool. */
@ConfigMapping(prefix = "nagatha.tool-calls")
public interface ToolCallsConfig {

    /** Entries the tool-calls stream keeps at most (MAXLEN ~); the pool deletes what it answered. */
    @WithDefault("100000")
    long streamMaxLen();

    /** Deadline of a call whose caller names none. */
    @WithDefault("60s")
    Duration defaultDeadline();

    /** How long a caller waits past the deadline for the pool's answer before answering itself. */
    @WithDefault("5s")
    Duration replyGrace();

    /** Replies a caller's reply stream keeps at most (MAXLEN ~). */
    @WithDefault("10000")
    long replyMaxLen();

    /** A reply stream and a call's done marker expire this long after the last reply. */
    @WithDefault("10m")
    Duration replyTtl();

    /** BLOCK of one read of the reply stream; keep it well under quarkus.redis.timeout. */
    @WithDefault("1s")
    Duration replyReadBlock();
}
