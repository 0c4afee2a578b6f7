package io.nagatha.agent.service;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Carries tokens from the model's I/O thread to the turn's own thread, which writes them as
 * {@code message.delta} events. Why: the I/O thread must not block on Redis, and one write per
 * token from there drops and reorders tokens under load. Here exactly one thread writes, in order,
 * and tokens that arrive while a write is in flight are joined into the next delta.
 */
final class DeltaPump {

    /** Marks the end of the stream; real tokens are never empty (see {@link #offer}). */
    private static final String END = "";

    private final LinkedBlockingQueue<String> tokens = new LinkedBlockingQueue<>();
    private final Consumer<String> writeDelta;

    DeltaPump(Consumer<String> writeDelta) {
        this.writeDelta = writeDelta;
    }

    /** Called on the model's I/O thread: never blocks. */
    void offer(String token) {
        if (token != null && !token.isEmpty()) {
            tokens.add(token);
        }
    }

    /**
     * Writes deltas on the calling thread until {@code response} is done and every token before
     * it is written. Throws when the deadline passes first.
     */
    void pumpUntil(CompletableFuture<?> response, Instant deadline) throws TimeoutException, InterruptedException {
        response.whenComplete((result, error) -> tokens.add(END));
        while (true) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            String first = left > 0 ? tokens.poll(left, TimeUnit.MILLISECONDS) : tokens.poll();
            if (first == null) {
                throw new TimeoutException("the model did not finish before the turn's deadline");
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
                writeDelta.accept(delta.toString());
            }
            if (ended) {
                return;
            }
        }
    }
}
