package io.nagatha.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A pseudo-terminal for an interactive program: a detached tmux session on a tmux server of its
 * own (its own socket), driven with send-keys and read with capture-pane.
 */
final class Terminal implements AutoCloseable {

    private final String socket = "nagatha-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    /** Runs {@code shellCommand} in a new 200x50 terminal. */
    Terminal(String shellCommand) {
        tmux("new-session", "-d", "-s", "it", "-x", "200", "-y", "50", shellCommand);
    }

    /** Types text (literally, not as key names). */
    void type(String text) {
        tmux("send-keys", "-t", "it", "-l", text);
    }

    /** Presses keys by tmux's names: Enter, C-c, C-d. */
    void press(String... keys) {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "it"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** What the terminal shows, with up to 500 lines of scrollback. */
    String screen() {
        return tmux("capture-pane", "-p", "-J", "-t", "it", "-S", "-500");
    }

    @Override
    public void close() {
        tmux("kill-server");
    }

    private String tmux(String... args) {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket, "-f", "/dev/null"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("tmux is needed for the terminal tests (apt-get install tmux): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
