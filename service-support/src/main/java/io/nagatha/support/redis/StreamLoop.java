package io.nagatha.support.redis;

import io.quarkus.redis.datasource.RedisDataSource;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Runs a blocking stream read (XREAD / XREADGROUP with BLOCK) over and over on one connection of
 * its own, in a thread of its own.
 *
 * <p>Why: a blocking read pins the connection it runs on. On the shared pool a few of them starve
 * every other command, so each loop holds one connection of the dedicated {@code streams} client
 * for its whole life. When the connection breaks, the loop takes a new one after a growing pause.
 */
public final class StreamLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StreamLoop.class);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(5);

    private final String name;
    private final RedisDataSource streams;
    private final Consumer<RedisDataSource> step;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private Duration pause = FIRST_PAUSE; // touched by the loop thread only

    private StreamLoop(String name, RedisDataSource streams, Consumer<RedisDataSource> step) {
        this.name = name;
        this.streams = streams;
        this.step = step;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /**
     * Starts the loop. {@code step} gets the dedicated connection and should block for at most a
     * few seconds (keep BLOCK well under {@code quarkus.redis.timeout}), so that stopping is quick.
     */
    public static StreamLoop start(String name, RedisDataSource streams, Consumer<RedisDataSource> step) {
        StreamLoop loop = new StreamLoop(name, streams, step);
        loop.thread.start();
        return loop;
    }

    /** True while the loop runs: not stopped, and its thread has not died of an unexpected error. */
    public boolean isRunning() {
        return running && thread.isAlive();
    }

    private void run() {
        while (running) {
            try {
                streams.withConnection(connection -> {
                    while (running) {
                        step.accept(connection);
                        pause = FIRST_PAUSE;
                    }
                });
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                LOG.warnf("%s: %s; retrying in %d ms", name, e.getMessage(), pause.toMillis());
                if (awaitStop(pause)) {
                    break;
                }
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    private boolean awaitStop(Duration timeout) {
        try {
            return stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Stops the loop and waits for the current read to return (at most {@code grace}). */
    public void stop(Duration grace) {
        running = false;
        stop.countDown();
        try {
            thread.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
