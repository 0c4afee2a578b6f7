package io.nagatha.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The machine's processes as {@code ps} shows them, read from {@code /proc}: unlike
 * {@link ProcessHandle.Info}, the command line here is the real argv, including an argv[0] set with
 * {@code exec -a} (how the tiny test server names its grandchildren). Linux only.
 */
public final class ProcessTable {

    public record Entry(long pid, long parent, String commandLine) {
    }

    private ProcessTable() {
    }

    /** Every live process whose command line contains {@code text}. */
    public static List<Entry> matching(String text) {
        List<Entry> found = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
            dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(dir -> {
                try {
                    String cmd = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').trim();
                    if (cmd.contains(text)) {
                        found.add(new Entry(Long.parseLong(dir.getFileName().toString()), parent(dir), cmd));
                    }
                } catch (IOException | RuntimeException e) {
                    // The process ended while we looked: it is not running, so not a match.
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return found;
    }

    /** The parent pid from {@code /proc/<pid>/stat} (the field after the parenthesised name). */
    private static long parent(Path dir) throws IOException {
        String stat = Files.readString(dir.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[1]);
    }
}
