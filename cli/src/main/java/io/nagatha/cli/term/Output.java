package io.nagatha.cli.term;

/** Where an {@link EventPrinter} writes: text that continues the current line, and whole lines. */
public interface Output {

    /** Text of a reply as it streams in, continuing the current line. */
    void inline(String text);

    /** A whole line of its own (a line in progress is ended first). */
    void line(String text);

    /** Ends a line in progress, if there is one. */
    void endLine();
}
