package io.nagatha.pool.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutionException;

/**
 * Ends a server's process tree. Java cannot signal a process group, so the tree is the process and
 * every descendant known now or snapshotted earlier (launchers such as npx or sh -c leave
 * grandchildren that a signal to the child alone would orphan).
 */
public final class ProcessKiller {

    private ProcessKiller() {
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
