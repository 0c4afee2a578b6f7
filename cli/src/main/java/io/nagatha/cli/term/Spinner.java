package io.nagatha.cli.term;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A progress indicator on one terminal line while no token has arrived yet; only ever started on a TTY. */
public final class Spinner {

    private static final String FRAMES = "|/-\\";
    private static final long FRAME_MILLIS = 120;
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "nagatha-spinner");
        thread.setDaemon(true);
        return thread;
    });

    private final PrintWriter out;
    private final Object lock;
    private final String label;
    private ScheduledFuture<?> frames;
    private long started;
    private int frame;
    private boolean shown;

    /** {@code lock} is the lock every write to {@code out} holds, so a frame never lands inside a reply. */
    public Spinner(PrintWriter out, Object lock, String label) {
        this.out = out;
        this.lock = lock;
        this.label = label;
    }

    public void start() {
        synchronized (lock) {
            if (frames != null) {
                return;
            }
            started = System.nanoTime();
            frame = 0;
            frames = TIMER.scheduleAtFixedRate(this::draw, 0, FRAME_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops and wipes the indicator's line; safe to call often (every event calls it). */
    public void stop() {
        synchronized (lock) {
            if (frames == null) {
                return;
            }
            frames.cancel(false);
            frames = null;
            if (shown) {
                out.print("\r\033[K");
                out.flush();
                shown = false;
            }
        }
    }

    private void draw() {
        synchronized (lock) {
            if (frames == null) {
                return; // stopped while this frame waited for the lock
            }
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            out.print("\r" + FRAMES.charAt(frame++ % FRAMES.length()) + " " + label + (seconds > 0 ? " (" + seconds + " s)" : ""));
            out.flush();
            shown = true;
        }
    }
}
