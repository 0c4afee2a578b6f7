package io.nagatha.pool.client;

import java.util.ArrayDeque;
import java.util.Deque;

/** The last few lines a server wrote to stderr, quoted in error messages when it fails to start. */
public final class StderrTail {

    private static final int LINES = 5;
    private final Deque<String> lines = new ArrayDeque<>(LINES);

    synchronized void add(String line) {
        if (lines.size() == LINES) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    @Override
    public synchronized String toString() {
        return String.join(" | ", lines);
    }
}
