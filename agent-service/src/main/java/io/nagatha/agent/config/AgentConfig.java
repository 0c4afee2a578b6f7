package io.nagatha.agent.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How this agent replica takes and runs turns. */
@ConfigMapping(prefix = "nagatha.agent")
public interface AgentConfig {

    /** Turns one replica runs at once; more wait on the stream for any replica with room. */
    @WithDefault("8")
    int concurrency();

    /** Longest a turn may take from start to final message before it fails with upstream_timeout. */
    @WithDefault("5m")
    Duration turnTimeout();

    /** How long a stream read waits for a new turn; short so that shutdown is quick. */
    @WithDefault("1s")
    Duration readBlock();

    /**
     * A turn taken by a replica that has not been heard of for this long is taken over by another.
     * Live replicas refresh their turns every third of this, so it need not exceed the turn timeout.
     */
    @WithDefault("30s")
    Duration reclaimIdle();

    /** Messages of recent history sent to the model with each turn. */
    @WithDefault("20")
    int historyMessages();

    /** Messages a session's history keeps (approximately; older ones are trimmed). */
    @WithDefault("1000")
    long historyMaxLen();

    /** How long a finished turn's record is kept, so a re-delivered turn is recognised as done. */
    @WithDefault("7d")
    Duration turnRecordTtl();

    /** The assistant's standing instructions, sent first with every turn. */
    @WithDefault("You are Nagatha, a personal assistant. The same conversation reaches you from the terminal, "
            + "Discord and the web, so answer consistently whichever interface a message comes from. "
            + "Be concise, friendly and accurate, and say plainly when you do not know.")
    String systemPrompt();
}
