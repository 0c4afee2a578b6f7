package io.nagatha.pool.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/** The last few lines a server wrote to stderr, quoted in error messages when it fails to start. */
public final class StderrTail {

    private static final int LINES = 5;
    private final Deque<String> lines = new ArrayDeque<>(LINES);
    private boolean ended;

    synchronized void add(String line) {
        if (lines.size() == LINES) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    /** The server's stderr reached its end: every line it wrote is here. */
    synchronized void ended() {
        ended = true;
        notifyAll();
    }

    /**
     * Waits up to {@code max} for the end of stderr (a server that died is read to the end at once,
     * unless a descendant still holds the pipe).
     */
    synchronized void awaitEnd(Duration max) {
        long until = System.nanoTime() + max.toNanos();
        try {
            for (long left = max.toNanos(); !ended && left > 0; left = until - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized String toString() {
        return String.join(" | ", lines);
    }
}
