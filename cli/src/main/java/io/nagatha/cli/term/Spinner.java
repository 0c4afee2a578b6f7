package io.nagatha.cli.term;

import java.io.PrintWriter;

/** A progress indicator on one terminal line while no token has arrived yet; only ever started on a TTY. */
public final class Spinner {

    private static final String FRAMES = "|/-\\";
    private static final long FRAME_MILLIS = 120;

    private final PrintWriter out;
    private final Object lock;
    private final String label;
    private Thread thread;
    private boolean shown;

    /** {@code lock} is the lock every write to {@code out} holds, so a frame never lands inside a reply. */
    public Spinner(PrintWriter out, Object lock, String label) {
        this.out = out;
        this.lock = lock;
        this.label = label;
    }

    public void start() {
        synchronized (lock) {
            if (thread != null) {
                return;
            }
            thread = new Thread(this::spin, "nagatha-spinner");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Stops and wipes the indicator's line; safe to call often (every event calls it). */
    public void stop() {
        synchronized (lock) {
            if (thread == null) {
                return;
            }
            thread.interrupt();
            thread = null;
            if (shown) {
                out.print("\r\033[K");
                out.flush();
                shown = false;
            }
        }
    }

    private void spin() {
        long started = System.nanoTime();
        for (int i = 0; ; i++) {
            synchronized (lock) {
                if (thread != Thread.currentThread()) {
                    return;
                }
                long seconds = (System.nanoTime() - started) / 1_000_000_000L;
                out.print("\r" + FRAMES.charAt(i % FRAMES.length()) + " " + label + (seconds > 0 ? " (" + seconds + " s)" : ""));
                out.flush();
                shown = true;
            }
            try {
                Thread.sleep(FRAME_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
