package io.nagatha.support.redis;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XAddArgs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pending side of one consumer of a consumer group: keeping its own running entries fresh so no
 * one takes them over, taking over entries of consumers gone silent, acknowledging, and parking
 * unreadable entries in a dead-letter stream. One instance per consumer. Only {@link #takeOver}
 * keeps state (its cursor) and must be called from one thread at a time; the rest may be called
 * from any thread.
 */
public final class PendingEntries {

    private static final long DEAD_LETTER_MAX_LEN = 10_000;

    private final String stream;
    private final String group;
    private final String consumer;
    private String cursor = "0-0";

    public PendingEntries(String stream, String group, String consumer) {
        this.stream = stream;
        this.group = group;
        this.consumer = consumer;
    }

    /** Resets the idle time of entries this consumer is still working on (XCLAIM to itself). */
    public void refresh(RedisDataSource redis, Collection<String> running) {
        if (running.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of(stream, group, consumer, "0"));
        args.addAll(running);
        args.add("JUSTID");
        redis.execute("XCLAIM", args.toArray(String[]::new));
    }

    /**
     * Hands entries this consumer will not finish (it is stopping) to the others: marks them idle
     * for {@code idle} already (XCLAIM … IDLE), so the next take-over of a live consumer gets them
     * at once instead of after the whole idle time. Ids no longer pending are ignored by Redis.
     */
    public void handOver(RedisDataSource redis, Collection<String> entries, Duration idle) {
        if (entries.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of(stream, group, consumer, "0"));
        args.addAll(entries);
        args.addAll(List.of("IDLE", String.valueOf(idle.toMillis()), "JUSTID"));
        redis.execute("XCLAIM", args.toArray(String[]::new));
    }

    /** Claims up to {@code count} entries idle for at least {@code minIdle} (XAUTOCLAIM, resuming its cursor). */
    public List<StreamMessage<String, String, String>> takeOver(RedisDataSource redis, Duration minIdle, int count) {
        ClaimedMessages<String, String, String> claimed = redis.stream(String.class).xautoclaim(stream, group, consumer, minIdle,
                cursor, count);
        cursor = claimed.getId();
        return claimed.getMessages();
    }

    /** Acknowledges and deletes the entry: the stream then holds only entries waiting or running. */
    public void acknowledge(RedisDataSource redis, String entryId) {
        redis.stream(String.class).xack(stream, group, entryId);
        redis.stream(String.class).xdel(stream, entryId);
    }

    /** Moves an unreadable entry, with the reason, to {@code deadLetter} and acknowledges it. */
    public void deadLetter(RedisDataSource redis, String deadLetter, StreamMessage<String, String, String> entry, String reason) {
        Map<String, String> dead = new HashMap<>(entry.payload());
        dead.put("entryId", entry.id());
        dead.put("reason", String.valueOf(reason));
        redis.stream(String.class).xadd(deadLetter, new XAddArgs().maxlen(DEAD_LETTER_MAX_LEN).nearlyExactTrimming(), dead);
        acknowledge(redis, entry.id());
    }
}
