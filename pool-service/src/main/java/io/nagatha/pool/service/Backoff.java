package io.nagatha.pool.service;

import io.nagatha.pool.config.PoolConfig;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: base × 2^(failures − 1), at most max, ± jitter. */
public final class Backoff {

    private final Duration base;
    private final Duration max;
    private final double jitter;

    public Backoff(Duration base, Duration max, double jitter) {
        this.base = base;
        this.max = max;
        this.jitter = Math.max(0, Math.min(1, jitter));
    }

    static Backoff of(PoolConfig.Restart restart) {
        return new Backoff(restart.backoffBase(), restart.backoffMax(), restart.jitter());
    }

    /** The pause after {@code failures} failures in a row (1 = the first). */
    public Duration delay(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        long nanos = Math.min(max.toNanos(), base.toNanos() * (1L << doublings));
        double spread = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofNanos(Math.min(max.toNanos(), (long) (nanos * spread)));
    }
}
