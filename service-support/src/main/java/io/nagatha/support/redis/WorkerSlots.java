package io.nagatha.support.redis;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A fixed number of workers for stream entries, and the slots that say how many are free. A reader
 * takes slots before it reads, so it never takes more entries than it can start at once and the
 * rest stay on the stream for other replicas; each worker gives its slot back when done.
 */
public final class WorkerSlots {

    private final Semaphore slots;
    private final ExecutorService workers;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    public WorkerSlots(String name, int size) {
        this.slots = new Semaphore(size);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(size, r -> new Thread(r, name + "-" + n.incrementAndGet()));
    }

    /** Waits up to {@code wait} for one free slot, then takes every other free one too; 0 when none. */
    public int acquireSome(Duration wait) {
        return acquireOne(wait) ? 1 + slots.drainPermits() : 0;
    }

    /** Waits up to {@code wait} for one free slot; false when none came free. */
    public boolean acquireOne(Duration wait) {
        try {
            return slots.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Slots free now; equals the size when idle. */
    public int free() {
        return slots.availablePermits();
    }

    public void release(int count) {
        slots.release(count);
    }

    /** Runs {@code work} for one entry on a worker; the caller holds one slot, which the worker gives back. */
    public void dispatch(String entryId, Consumer<String> work) {
        inFlight.add(entryId);
        workers.execute(() -> {
            try {
                work.accept(entryId);
            } finally {
                inFlight.remove(entryId);
                slots.release();
            }
        });
    }

    /** Ids of the entries being worked on now. */
    public List<String> inFlight() {
        return List.copyOf(inFlight);
    }

    /** Lets running work finish for up to {@code grace}, then interrupts it. */
    public void shutdown(Duration grace) {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
