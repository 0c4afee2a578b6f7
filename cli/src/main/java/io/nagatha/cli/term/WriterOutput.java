package io.nagatha.cli.term;

import java.io.PrintWriter;

/** {@link Output} to a writer; every write holds {@code lock} and stops the spinner first. */
public class WriterOutput implements Output {

    private final PrintWriter out;
    private final Object lock;
    private Spinner spinner;
    private boolean midLine;

    public WriterOutput(PrintWriter out, Object lock) {
        this.out = out;
        this.lock = lock;
    }

    /** The spinner to stop before the next write (it shows until then). */
    public void spinner(Spinner next) {
        synchronized (lock) {
            spinner = next;
        }
    }

    @Override
    public void inline(String text) {
        synchronized (lock) {
            stopSpinner();
            if (text.isEmpty()) {
                return;
            }
            out.print(text);
            out.flush();
            midLine = !text.endsWith("\n");
        }
    }

    @Override
    public void line(String text) {
        synchronized (lock) {
            endLine();
            printLine(text);
        }
    }

    @Override
    public void endLine() {
        synchronized (lock) {
            stopSpinner();
            if (midLine) {
                out.println();
                out.flush();
                midLine = false;
            }
        }
    }

    /** Prints a whole line at the start of a line; holds the lock. */
    protected void printLine(String text) {
        out.println(text);
        out.flush();
    }

    private void stopSpinner() {
        if (spinner != null) {
            spinner.stop();
            spinner = null;
        }
    }
}
