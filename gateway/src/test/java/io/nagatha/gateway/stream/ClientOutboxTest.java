package io.nagatha.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventTypes;
import io.nagatha.contracts.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The slow-consumer policy, with a transport the test completes by hand: one frame in flight at a
 * time, deltas dropped when full (and the rest of their turn's deltas), the message always kept,
 * and a client whose queue is full of events that cannot be dropped is cut off.
 */
class ClientOutboxTest {

    private final List<String> sent = new ArrayList<>();
    private final List<CompletableFuture<Void>> inFlight = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger cutOffs = new AtomicInteger();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final Counter dropped = metrics.counter("dropped");
    private final Counter cut = metrics.counter("cut");

    private ClientOutbox<String> outbox(int capacity) {
        return new ClientOutbox<>(capacity, frame -> {
            sent.add(frame);
            CompletableFuture<Void> done = new CompletableFuture<>();
            inFlight.add(done);
            return done;
        }, cutOffs::incrementAndGet, new ClientOutbox.Meters(dropped, cut));
    }

    /** Lets the transport finish every frame, as a client that reads again would. */
    private void drainAll() {
        while (!inFlight.isEmpty()) {
            inFlight.remove(0).complete(null);
        }
    }

    @Test
    void oneFrameIsInFlightAtATimeAndOrderIsKept() {
        ClientOutbox<String> outbox = outbox(10);
        for (int i = 1; i <= 5; i++) {
            outbox.offerEvent(delta("t1", "d" + i), "d" + i);
        }
        assertThat(sent).containsExactly("d1");
        assertThat(outbox.pending()).isEqualTo(4);
        inFlight.remove(0).complete(null);
        assertThat(sent).containsExactly("d1", "d2");
        drainAll();
        assertThat(sent).containsExactly("d1", "d2", "d3", "d4", "d5");
        assertThat(dropped.count()).isZero();
    }

    @Test
    void aFullQueueDropsTheRestOfTheTurnsDeltasButNeverItsMessage() {
        ClientOutbox<String> outbox = outbox(4);
        for (int i = 1; i <= 20; i++) {
            outbox.offerEvent(delta("t1", "d" + i), "d" + i);
        }
        // d1 in flight, d2..d5 waiting, d6..d20 dropped.
        outbox.offerEvent(message("t1"), "message");
        outbox.offerEvent(Event.of(EventTypes.TURN_COMPLETED, "s", "t1", null), "completed");
        drainAll();
        assertThat(sent).containsExactly("d1", "message", "completed");
        assertThat(dropped.count()).isEqualTo(19.0);
        assertThat(cutOffs).hasValue(0);

        // The next turn streams normally again.
        outbox.offerEvent(delta("t2", "e1"), "e1");
        outbox.offerEvent(delta("t2", "e2"), "e2");
        drainAll();
        assertThat(sent).endsWith("e1", "e2");
    }

    @Test
    void aQueueFullOfEventsThatCannotBeDroppedCutsTheClientOff() {
        ClientOutbox<String> outbox = outbox(3);
        for (int i = 1; i <= 4; i++) {
            outbox.offerEvent(Event.presence("s", List.of("web")), "p" + i);
        }
        assertThat(cutOffs).hasValue(0);
        outbox.offerEvent(Event.presence("s", List.of("web")), "p5");
        assertThat(cutOffs).hasValue(1);
        assertThat(cut.count()).isEqualTo(1.0);
        // Nothing more goes out once it is cut off.
        outbox.offer("pong");
        drainAll();
        assertThat(sent).containsExactly("p1");
    }

    @Test
    void resumingDiscardsWaitingEventsButKeepsOtherFrames() {
        ClientOutbox<String> outbox = outbox(10);
        outbox.offer("attached");
        outbox.offerEvent(delta("t1", "d1"), "d1");
        outbox.offer("pong");
        outbox.offerEvent(delta("t1", "d2"), "d2");
        outbox.discardEvents();
        drainAll();
        assertThat(sent).containsExactly("attached", "pong");
    }

    @Test
    void aKeepAliveGoesOnlyToAnIdleClient() {
        ClientOutbox<String> outbox = outbox(10);
        outbox.offerIfIdle("keep-alive");
        assertThat(sent).containsExactly("keep-alive");
        outbox.offerIfIdle("keep-alive"); // the first is still in flight
        drainAll();
        assertThat(sent).containsExactly("keep-alive");
    }

    @Test
    void aFailedWriteClosesTheOutbox() {
        ClientOutbox<String> outbox = outbox(10);
        outbox.offer("a");
        outbox.offer("b");
        inFlight.remove(0).completeExceptionally(new IllegalStateException("client gone"));
        outbox.offer("c");
        assertThat(sent).containsExactly("a");
        assertThat(outbox.pending()).isZero();
    }

    @Test
    void aReplayWaitsForRoomAndCutsOffAClientThatTakesNothing() throws InterruptedException {
        ClientOutbox<String> outbox = outbox(2);
        // Ample patience while the reader thread makes room (a loaded machine may run it late), a short one to cut off.
        SessionEventFanout.Sink sink = outbox.sink(Event::type, Duration.ofSeconds(30));
        SessionEventFanout.Sink impatient = outbox.sink(Event::type, Duration.ofMillis(300));
        assertThat(sink.awaitRoom()).isTrue();
        sink.accept(Event.presence("s", List.of("web"))); // in flight
        sink.accept(Event.presence("s", List.of("web")));
        sink.accept(Event.presence("s", List.of("web"))); // the queue is full now
        // A client that reads again makes room for the waiting replay.
        Thread reader = new Thread(() -> {
            sleep(100);
            synchronized (inFlight) {
                inFlight.remove(0).complete(null);
            }
        });
        reader.start();
        assertThat(sink.awaitRoom()).isTrue();
        reader.join();
        sink.accept(Event.presence("s", List.of("web")));
        // One that never reads again is cut off once its patience is spent.
        long start = System.nanoTime();
        assertThat(impatient.awaitRoom()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(cutOffs).hasValue(1);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Event delta(String turnId, String text) {
        return Event.delta("s", turnId, text);
    }

    private static Event message(String turnId) {
        return Event.of(EventTypes.MESSAGE, "s", turnId, Json.object().set("message", Json.object().put("content", "the whole reply")));
    }
}
