package io.nagatha.support.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Turn settings the gateway and the agents must agree on, since either may accept a turn. */
@ConfigMapping(prefix = "nagatha.turns")
public interface TurnsConfig {

    /**
     * What a message does while a turn of its session runs, for sessions that name no policy of
     * their own: {@code queue} (wait, then run in order), {@code reject} (409 turn_in_progress) or
     * {@code interrupt} (stop the running turn, then run this one).
     */
    @WithDefault("queue")
    String defaultPolicy();

    /** How long a client's idempotency key maps to the turn it started. */
    @WithDefault("24h")
    Duration idempotencyTtl();

    /** How long a turn's record is kept, so a re-delivered turn is recognised as finished. */
    @WithDefault("7d")
    Duration recordTtl();
}
