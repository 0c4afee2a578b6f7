package io.nagatha.agent.service;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Carries tokens from the model's I/O thread to the turn's own thread, which writes them as
 * {@code message.delta} events. Why: the I/O thread must not block on Redis, and one write per
 * token from there drops and reorders tokens under load. Here exactly one thread writes, in order,
 * and tokens that arrive while a write is in flight are joined into the next delta. While no token
 * comes, the turn's thread looks every {@code checkEvery} whether the turn was asked to stop.
 */
final class DeltaPump {

    /** Marks the end of the stream; real tokens are never empty (see {@link #offer}). */
    private static final String END = "";

    private final LinkedBlockingQueue<String> tokens = new LinkedBlockingQueue<>();

    /** Called on the model's I/O thread: never blocks. */
    void offer(String token) {
        if (token != null && !token.isEmpty()) {
            tokens.add(token);
        }
    }

    /**
     * Writes deltas with {@code write} on the calling thread until {@code response} is done and
     * every token before it is written; runs {@code idle} after each quiet {@code checkEvery}.
     * Whatever {@code write} or {@code idle} throws ends the pumping.
     */
    void pumpUntil(CompletableFuture<?> response, Consumer<String> write, Runnable idle, Duration checkEvery)
            throws InterruptedException {
        response.whenComplete((result, error) -> tokens.add(END));
        while (true) {
            String first = tokens.poll(checkEvery.toMillis(), TimeUnit.MILLISECONDS);
            if (first == null) {
                idle.run();
                continue;
            }
            StringBuilder delta = new StringBuilder();
            boolean ended = false;
            for (String token = first; token != null; token = tokens.poll()) {
                if (token.isEmpty()) {
                    ended = true;
                    break;
                }
                delta.append(token);
            }
            if (!delta.isEmpty()) {
                write.accept(delta.toString());
            }
            if (ended) {
                return;
            }
        }
    }
}
