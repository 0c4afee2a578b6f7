package io.nagatha.pool.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Ends a server's process tree. Where the machine has {@code setsid}, every stdio server is started
 * as the leader of a process group of its own, and the whole group is killed with kill(1) (Java
 * cannot signal a group): that reaches every descendant, also one forked after any snapshot and
 * after its parent died. In addition, and where there is no setsid, the process and every
 * descendant known now or snapshotted earlier are killed one by one (launchers such as npx or
 * sh -c leave grandchildren that a signal to the child alone would orphan).
 */
public final class ProcessKiller {

    private static final Logger LOG = Logger.getLogger(ProcessKiller.class);

    /** The setsid program, when there is one. */
    public static final Optional<String> SETSID = executable("/usr/bin/setsid", "/bin/setsid");
    private static final Optional<String> KILL = executable("/usr/bin/kill", "/bin/kill");

    private ProcessKiller() {
    }

    /** The command that starts {@code command args} as a process group of its own (or as is). */
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

    /** SIGKILLs the process, its current descendants and the handles snapshotted earlier. */
    public static void kill(Process process, List<ProcessHandle> snapshot) {
        List<ProcessHandle> tree = new ArrayList<>(snapshot);
        process.descendants().forEach(tree::add);
        process.destroyForcibly();
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (SETSID.isPresent() && KILL.isPresent()) {
            killGroup(process.pid());
        }
    }

    /** SIGKILL to the group the server leads; its id is the server's pid, even after the server died. */
    private static void killGroup(long groupId) {
        try {
            Process kill = new ProcessBuilder(KILL.get(), "-KILL", "--", "-" + groupId)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(2, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warnf("could not signal process group %d: %s", groupId, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
