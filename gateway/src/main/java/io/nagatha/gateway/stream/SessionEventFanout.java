package io.nagatha.gateway.stream;

import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventIds;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.StreamFields;
import io.nagatha.gateway.config.GatewayConfig;
import io.nagatha.support.heartbeat.ReplicaIdentity;
import io.nagatha.support.redis.StreamLoop;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XReadArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Delivers each session's events to every client this gateway replica holds for that session.
 *
 * <p>One loop reads the event streams of all watched sessions with a single blocking XREAD on a
 * connection of its own, so a thousand watchers cost one connection, not a thousand. A client
 * that joins with a last-seen id first gets what it missed from the stream (or a
 * {@code resume.gap} when that is older than the stream keeps), then the live events, each once
 * and in order. When a client watches a session nobody here watched yet, a write to this replica's
 * wake stream ends the loop's current wait, so the new session is read at once.
 */
@ApplicationScoped
public class SessionEventFanout {

    private static final Logger LOG = Logger.getLogger(SessionEventFanout.class);
    private static final String NOTHING = "0-0";

    private final RedisDataSource redis;
    private final RedisDataSource streams;
    private final GatewayConfig config;
    private final String wakeKey;
    private final Map<String, Tail> tails = new ConcurrentHashMap<>();
    private volatile String wakeCursor = NOTHING;
    private StreamLoop loop;

    SessionEventFanout(RedisDataSource redis, @RedisClientName("streams") RedisDataSource streams, GatewayConfig config,
            ReplicaIdentity replica) {
        this.redis = redis;
        this.streams = streams;
        this.config = config;
        this.wakeKey = Keys.gatewayWake(replica.id());
    }

    void onStart(@Observes StartupEvent event) {
        loop = StreamLoop.start("event-tail", streams, this::readOnce);
    }

    void onStop(@Observes ShutdownEvent event) {
        loop.stop(config.tailBlock().plusSeconds(1));
        try {
            redis.key().del(wakeKey);
        } catch (RuntimeException e) {
            LOG.debugf("could not remove %s: %s", wakeKey, e.getMessage());
        }
    }

    /** A client's interest in one session; close it when the client goes. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Where a client's events go. */
    public interface Sink extends Consumer<Event> {

        /**
         * Called before each missed event is handed over, outside any lock, on the subscribing
         * thread: a sink with a bounded queue waits here until it has room, so a long replay is paced
         * by the client rather than piled up. False stops the replay (the client was cut off).
         */
        default boolean awaitRoom() {
            return true;
        }
    }

    /**
     * Starts delivering the session's events to {@code sink}: first the events after {@code since}
     * (when given), then live ones, each once and in order. {@code sink} runs on the reading thread
     * and must not block. Call it on a worker thread: missed events are read from Redis here.
     */
    public Subscription subscribe(String sessionId, String since, Consumer<Event> sink) {
        return subscribe(sessionId, since, sink instanceof Sink paced ? paced : sink::accept);
    }

    public Subscription subscribe(String sessionId, String since, Sink sink) {
        String cursor = since;
        if (since != null) {
            announceGap(sessionId, since, sink);
            cursor = catchUp(sessionId, since, sink);
            if (cursor == null) {
                return () -> { }; // the client was cut off while it caught up
            }
        }
        while (true) {
            Tail tail = tails.get(sessionId);
            boolean created = false;
            if (tail == null) {
                Tail fresh = new Tail(sessionId, position(sessionId));
                tail = tails.putIfAbsent(sessionId, fresh);
                if (tail == null) {
                    tail = fresh;
                    created = true;
                }
            }
            synchronized (tail) {
                if (tail.closed) {
                    continue; // its last watcher left just now: start a new tail
                }
                Watcher watcher = new Watcher(sink, tail.lastId);
                if (cursor != null) {
                    // What arrived while the client caught up (usually little): handed over at once, under the lock.
                    watcher.cursor = cursor;
                    if (EventIds.isAfter(tail.lastId, cursor)) {
                        for (StreamMessage<String, String, String> entry : redis.stream(String.class)
                                .xrange(Keys.events(sessionId), StreamRange.of("(" + cursor, tail.lastId))) {
                            decode(entry).ifPresent(watcher::deliver);
                        }
                        watcher.cursor = tail.lastId;
                    }
                }
                tail.watchers.add(watcher);
                if (created) {
                    wake();
                }
                Tail watched = tail;
                return () -> leave(watched, watcher);
            }
        }
    }

    /** Number of sessions this replica reads for its clients. */
    public int watchedSessions() {
        return tails.size();
    }

    /** A resume.gap first, when {@code since} is older than the oldest event kept and events were dropped. */
    private void announceGap(String sessionId, String since, Sink sink) {
        String key = Keys.events(sessionId);
        List<StreamMessage<String, String, String>> oldest = redis.stream(String.class).xrange(key, StreamRange.of("-", "+"), 1);
        if (!oldest.isEmpty() && EventIds.isAfter(oldest.get(0).id(), since) && lostEvents(key)) {
            sink.accept(Event.resumeGap(sessionId, since, oldest.get(0).id()));
        }
    }

    /**
     * Hands the missed events after {@code since} to the sink page by page, paced by the sink,
     * until it has reached the newest event; returns the last id handed over ({@code since} if
     * none), or null when the sink stopped it.
     */
    private String catchUp(String sessionId, String since, Sink sink) {
        String key = Keys.events(sessionId);
        String cursor = since;
        String head = position(sessionId);
        while (EventIds.isAfter(head, cursor)) {
            List<StreamMessage<String, String, String>> page = redis.stream(String.class)
                    .xrange(key, StreamRange.of("(" + cursor, head), config.tailBatch());
            if (page.isEmpty()) {
                break;
            }
            for (StreamMessage<String, String, String> entry : page) {
                if (!sink.awaitRoom()) {
                    return null;
                }
                decode(entry).ifPresent(sink);
                cursor = entry.id();
            }
            if (!EventIds.isAfter(head, cursor)) {
                head = position(sessionId); // more came meanwhile: keep going; the rest is handed over live
            }
        }
        return cursor;
    }

    /**
     * Whether the stream ever dropped events (trimmed to its bounded length): Redis 7 counts every
     * entry added, so more added than kept means some are gone. A {@code since} older than the
     * oldest kept event is then a gap; on a stream that never lost anything (a client resuming
     * from {@code 0-0}) it is not. Redis 6.2 does not count, so there any such {@code since} is a gap.
     */
    private boolean lostEvents(String key) {
        Response info = redis.execute("XINFO", "STREAM", key);
        String added = field(info, "entries-added");
        String length = field(info, "length");
        return added == null || length == null || Long.parseLong(added) > Long.parseLong(length);
    }

    /** A field of a reply that is a map (RESP3) or a flat list of names and values (RESP2). */
    private static String field(Response reply, String name) {
        if (reply == null) {
            return null;
        }
        if (!reply.getKeys().isEmpty()) {
            Response value = reply.get(name);
            return value == null ? null : value.toString();
        }
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            if (name.equals(reply.get(i).toString())) {
                return reply.get(i + 1) == null ? null : reply.get(i + 1).toString();
            }
        }
        return null;
    }

    private void leave(Tail tail, Watcher watcher) {
        synchronized (tail) {
            tail.watchers.remove(watcher);
            if (tail.watchers.isEmpty() && !tail.closed) {
                tail.closed = true;
                tails.remove(tail.sessionId, tail);
            }
        }
    }

    private void readOnce(RedisDataSource connection) {
        Map<String, String> from = new HashMap<>();
        from.put(wakeKey, wakeCursor);
        for (Tail tail : tails.values()) {
            from.put(Keys.events(tail.sessionId), tail.lastId);
        }
        List<StreamMessage<String, String, String>> entries = connection.stream(String.class)
                .xread(from, new XReadArgs().block(config.tailBlock()).count(config.tailBatch()));
        for (StreamMessage<String, String, String> entry : entries) {
            if (entry.key().equals(wakeKey)) {
                wakeCursor = entry.id();
                continue;
            }
            Tail tail = tails.get(sessionIdOf(entry.key()));
            if (tail == null) {
                continue;
            }
            synchronized (tail) {
                if (!tail.closed && EventIds.isAfter(entry.id(), tail.lastId)) {
                    tail.lastId = entry.id();
                    decode(entry).ifPresent(event -> tail.watchers.forEach(w -> w.deliver(event)));
                }
            }
        }
    }

    private void wake() {
        try {
            redis.stream(String.class).xadd(wakeKey, new XAddArgs().maxlen(16L).nearlyExactTrimming(), Map.of("w", "1"));
            redis.key().expire(wakeKey, Duration.ofHours(1));
        } catch (RuntimeException e) {
            LOG.debugf("could not wake the event tail (it looks again within %s): %s", config.tailBlock(), e.getMessage());
        }
    }

    /** The id of the session's newest event ({@code 0-0} when it has none): subscribe from it to miss nothing after now. */
    public String position(String sessionId) {
        List<StreamMessage<String, String, String>> newest =
                redis.stream(String.class).xrevrange(Keys.events(sessionId), StreamRange.of("+", "-"), 1);
        return newest.isEmpty() ? NOTHING : newest.get(0).id();
    }

    private static Optional<Event> decode(StreamMessage<String, String, String> entry) {
        try {
            return Optional.of(Event.decode(entry.id(), entry.payload().get(StreamFields.EVENT)));
        } catch (RuntimeException e) {
            LOG.warnf("skipping unreadable event %s on %s: %s", entry.id(), entry.key(), e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code nagatha:session:{id}:events} → id. */
    private static String sessionIdOf(String eventsKey) {
        return eventsKey.substring(eventsKey.indexOf('{') + 1, eventsKey.indexOf('}'));
    }

    /** The read position of one watched session and who watches it; guarded by its own lock. */
    private static final class Tail {
        final String sessionId;
        final List<Watcher> watchers = new CopyOnWriteArrayList<>();
        /** Read by the loop without the lock to build its XREAD; written only under the lock. */
        volatile String lastId;
        boolean closed;

        Tail(String sessionId, String lastId) {
            this.sessionId = sessionId;
            this.lastId = lastId;
        }
    }

    /** One client; {@code cursor} is the last event it got, so nothing reaches it twice. */
    private static final class Watcher {
        final Consumer<Event> sink;
        String cursor;

        Watcher(Consumer<Event> sink, String cursor) {
            this.sink = sink;
            this.cursor = cursor;
        }

        void deliver(Event event) {
            if (EventIds.isAfter(event.id(), cursor)) {
                cursor = event.id();
                try {
                    sink.accept(event);
                } catch (RuntimeException e) {
                    LOG.debugf("a client could not take event %s: %s", event.id(), e.getMessage());
                }
            }
        }
    }
}
