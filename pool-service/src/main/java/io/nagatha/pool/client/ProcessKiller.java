package io.nagatha.pool.client;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * Ends a server's process tree. Where the machine has {@code setsid}, every stdio server is started
 * as the leader of a session (and process group) of its own; closing SIGKILLs every process of that
 * session, found in {@code /proc}, until none is left. That reaches every descendant, also one
 * forked after any snapshot and after its parent died. (Java cannot signal a group, and spawning
 * kill(1) for it can itself fail under load, which once left an orphan behind.) In addition, and
 * where there is no setsid, the process and every descendant known now or snapshotted earlier are
 * killed one by one (launchers such as npx or sh -c leave grandchildren that a signal to the child
 * alone would orphan).
 */
public final class ProcessKiller {

    private static final Logger LOG = Logger.getLogger(ProcessKiller.class);
    private static final Path PROC = Path.of("/proc");
    /** Rounds of scan-and-kill before giving up on a session whose members keep forking. */
    private static final int MAX_ROUNDS = 50;

    /** The setsid program, when there is one (and a /proc to find the session's members in). */
    public static final Optional<String> SETSID = Files.isDirectory(PROC)
            ? executable("/usr/bin/setsid", "/bin/setsid") : Optional.empty();

    private ProcessKiller() {
    }

    /** The command that starts {@code command args} as a session of its own (or as is). */
    public static List<String> inOwnGroup(String command, List<String> args) {
        List<String> line = new ArrayList<>();
        SETSID.ifPresent(line::add);
        line.add(command);
        line.addAll(args);
        return line;
    }

    /** SIGKILLs the process and all its descendants at once. */
    public static void kill(Process process) {
        kill(process, List.of());
    }

    /** SIGKILLs the process, its current descendants, the handles snapshotted earlier and its session. */
    public static void kill(Process process, List<ProcessHandle> snapshot) {
        List<ProcessHandle> tree = new ArrayList<>(snapshot);
        process.descendants().forEach(tree::add);
        process.destroyForcibly();
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (SETSID.isPresent()) {
            killSession(process.pid());
        }
    }

    /**
     * SIGKILLs every live process whose session or process group is {@code leader} (the server's
     * pid, which stays reserved while any member lives), again until a scan finds none.
     */
    private static void killSession(long leader) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<ProcessHandle> members = members(leader);
            if (members.isEmpty()) {
                return;
            }
            members.forEach(ProcessHandle::destroyForcibly);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        LOG.warnf("process session %d still has members after %d kill rounds", leader, MAX_ROUNDS);
    }

    /** Live (not zombie) processes of the session or group {@code leader}, from /proc/<pid>/stat. */
    static List<ProcessHandle> members(long leader) {
        List<ProcessHandle> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path dir : dirs) {
                String stat;
                try {
                    stat = Files.readString(dir.resolve("stat"));
                } catch (IOException e) {
                    continue; // it ended while we looked
                }
                // After the parenthesised name: state ppid pgrp session ...
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 5);
                if ("Z".equals(fields[0])) {
                    continue;
                }
                if (Long.parseLong(fields[2]) == leader || Long.parseLong(fields[3]) == leader) {
                    ProcessHandle.of(Long.parseLong(dir.getFileName().toString())).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            LOG.warnf("cannot list /proc to end process session %d: %s", leader, e.toString());
        }
        return found;
    }

    private static Optional<String> executable(String... candidates) {
        for (String candidate : candidates) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Waits up to {@code millis} for the process to be gone; true when it is. */
    public static boolean awaitExit(Process process, long millis) {
        try {
            process.onExit().get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
