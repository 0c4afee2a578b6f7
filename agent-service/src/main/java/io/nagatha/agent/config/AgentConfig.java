package io.nagatha.agent.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** How this agent replica takes and runs turns: workers, deadlines, context and tools. */
@ConfigMapping(prefix = "nagatha.agent")
public interface AgentConfig {

    /** Turns one replica runs at once; more wait on the stream for any replica with room. */
    @WithDefault("8")
    int concurrency();

    /** Longest a turn may take from start to final message before it fails with upstream_timeout. */
    @WithDefault("5m")
    Duration turnTimeout();

    /**
     * Times a turn is started before it is given up with {@code internal_error}: a turn whose
     * replica keeps dying while it runs (say, one that crashes it) must not run forever.
     */
    @WithDefault("3")
    int maxAttempts();

    /** How long a stream read waits for a new turn; short so that shutdown is quick. */
    @WithDefault("1s")
    Duration readBlock();

    /**
     * A turn taken by a replica that has not been heard of for this long is taken over by another.
     * Live replicas refresh their turns and session leases every third of this; a session lease
     * lives two thirds of it, so it has always expired when a silent replica's turn is taken over.
     */
    @WithDefault("30s")
    Duration reclaimIdle();

    /** How often a turn that is waiting for the model or for tools checks whether it was asked to stop. */
    @WithDefault("250ms")
    Duration stopCheck();

    /** Messages a session's history keeps (approximately; older ones are trimmed). */
    @WithDefault("1000")
    long historyMaxLen();

    /** What the model is told before every turn; see {@link Context}. */
    Context context();

    /** The tools the model may use; see {@link Tools}. */
    Tools tools();

    /** What goes into the prompt, and how much of it. */
    interface Context {

        /** Nagatha's standing instructions and personality, sent first with every turn, never trimmed. */
        @WithDefault("You are Nagatha, a personal assistant with a calm, warm and slightly dry manner. "
                + "The same conversation reaches you from the terminal, Discord and the web, so answer the same way "
                + "whichever interface a message comes from. Be concise and accurate; prefer a short, direct answer "
                + "and offer detail when asked. Say plainly when you do not know or cannot do something. "
                + "When a tool can answer better than memory, use it, and say what it returned.")
        String systemPrompt();

        /**
         * Tokens the prompt may use in all: system prompt, memory, history and the new message. The
         * oldest turns of history are left out first; the system prompt and the new message never.
         */
        @WithDefault("8000")
        int maxTokens();

        /** Messages of recent history read before trimming to {@link #maxTokens()}. */
        @WithDefault("200")
        int historyMessages();

        /** Memory entries per section (user_preferences, facts) put into the prompt, by key order. */
        @WithDefault("50")
        int memoryEntries();

        /** Characters of one memory value in the prompt; longer values are cut. */
        @WithDefault("500")
        int memoryValueChars();

        /**
         * The tokenizer used to count tokens (an OpenAI model name jtokkit knows). Local models'
         * names are unknown to it, so their counts are an estimate with this one.
         */
        @WithDefault("gpt-4o")
        String tokenizer();
    }

    /** The pool's tools as the model sees them. */
    interface Tools {

        /** Tools offered to the model at most (OpenAI accepts up to 128); the rest are left out by name order. */
        @WithDefault("64")
        int max();

        /** Rounds of tool calls in one turn; after the last the model must answer with what it has. */
        @WithDefault("5")
        int maxRounds();

        /** Longest one tool call may take (less when the turn has less time left). */
        @WithDefault("60s")
        Duration timeout();

        /** Characters of one tool result given to the model and kept in history; longer results are cut. */
        @WithDefault("16000")
        int maxResultChars();

        /** How long the tool catalogue read from the pool is reused before it is read again. */
        @WithDefault("5s")
        Duration catalogueRefresh();

        /**
         * Tools every user may use: {@code *}, {@code server/*} or {@code server/tool}, comma
         * separated; {@code none} allows none.
         */
        @WithDefault("*")
        List<String> allow();

        /** Per user id, a list that replaces {@link #allow()} for that user, e.g. {@code users."u_1"=everything/echo}. */
        Map<String, List<String>> users();
    }
}
