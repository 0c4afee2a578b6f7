package io.nagatha.gateway.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventTypes;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The frames waiting for one live client (a WebSocket or an SSE stream), bounded, sent one at a
 * time: the next frame is written only when the previous one has left, so a slow client holds at
 * most {@code capacity} frames here and one in the transport, never an unbounded buffer.
 *
 * <p>The slow-consumer policy: when the queue is full, {@code message.delta} events are dropped —
 * those waiting and those still to come for the same turn — because the turn's {@code message}
 * carries the whole reply; the client sees the reply stop streaming, then the full message. When
 * the queue is full of frames that cannot be dropped, the client is cut off ({@code cutOff}): it
 * reconnects and resumes from the last event id it got, and the event stream replays the rest.
 */
public final class ClientOutbox<F> {

    private record Item<F>(F frame, String deltaOfTurn, boolean event) {
    }

    /** The policy at work, per transport: deltas dropped, clients cut off. */
    public record Meters(Counter droppedDeltas, Counter cutOffs) {

        public static Meters forTransport(MeterRegistry registry, String transport) {
            return new Meters(Counter.builder("nagatha.clients.dropped.deltas").tag("transport", transport)
                    .description("message.delta events not sent to a slow client (its turn's message still was)").register(registry),
                    Counter.builder("nagatha.clients.cut.off").tag("transport", transport)
                            .description("Clients cut off because their outbound queue was full of events that cannot be dropped")
                            .register(registry));
        }
    }

    private final int capacity;
    private final Function<F, CompletionStage<?>> writer;
    private final Runnable cutOff;
    private final Counter droppedDeltas;
    private final Counter cutOffs;
    private final ArrayDeque<Item<F>> queue = new ArrayDeque<>();
    /** Turns whose deltas are being dropped until their message arrives. */
    private final Set<String> droppingTurns = new HashSet<>();
    private boolean sending;
    private boolean closed;

    public ClientOutbox(int capacity, Function<F, CompletionStage<?>> writer, Runnable cutOff, Meters meters) {
        this.capacity = capacity;
        this.writer = writer;
        this.cutOff = cutOff;
        this.droppedDeltas = meters.droppedDeltas();
        this.cutOffs = meters.cutOffs();
    }

    /**
     * This outbox as the fan-out's sink: events are queued as {@code encode} makes them into
     * frames, and a replay waits for room, cutting the client off after {@code patience}.
     */
    public SessionEventFanout.Sink sink(Function<Event, F> encode, Duration patience) {
        return new SessionEventFanout.Sink() {
            @Override
            public void accept(Event event) {
                offerEvent(event, encode.apply(event));
            }

            @Override
            public boolean awaitRoom() {
                return ClientOutbox.this.awaitRoom(patience);
            }
        };
    }

    /** Queues a session event; {@code frame} is how the transport sends it. Never blocks. */
    public void offerEvent(Event event, F frame) {
        boolean delta = EventTypes.MESSAGE_DELTA.equals(event.type());
        boolean turnEnds = event.turnId() != null && (EventTypes.MESSAGE.equals(event.type()) || EventTypes.isTerminal(event.type()));
        if (enqueue(new Item<>(frame, delta ? String.valueOf(event.turnId()) : null, true), turnEnds ? event.turnId() : null)) {
            drain();
        }
    }

    /** Queues a frame that is not an event (session.attached, pong, error); never dropped. */
    public void offer(F frame) {
        if (enqueue(new Item<>(frame, null, false), null)) {
            drain();
        }
    }

    /** Queues a keep-alive only when nothing is waiting or being sent (a busy stream needs none). */
    public void offerIfIdle(F frame) {
        synchronized (this) {
            if (closed || sending || !queue.isEmpty()) {
                return;
            }
            queue.add(new Item<>(frame, null, false));
        }
        drain();
    }

    /**
     * Waits, blocking the caller, until the queue has room for another frame; a replay calls this
     * before each event so that it goes at the client's pace. A client that takes nothing for
     * {@code patience} is cut off: false.
     */
    public boolean awaitRoom(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        synchronized (this) {
            while (!closed && queue.size() >= capacity) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (closed) {
                return false;
            }
            if (queue.size() < capacity) {
                return true;
            }
        }
        cutOff();
        return false;
    }

    /** Cuts the client off: nothing more is sent, and the transport closes (it resumes from its last id). */
    public void cutOff() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            notifyAll();
        }
        cutOffs.increment();
        cutOff.run();
    }

    /** Forgets the events waiting (a client that resumes gets them again from the stream). */
    public synchronized void discardEvents() {
        queue.removeIf(Item::event);
        droppingTurns.clear();
        notifyAll();
    }

    /** Frames waiting to be sent. */
    public synchronized int pending() {
        return queue.size();
    }

    public synchronized void close() {
        closed = true;
        queue.clear();
        notifyAll();
    }

    /** Adds the item under the policy; false when nothing needs sending (dropped, closed or cut off). */
    private boolean enqueue(Item<F> item, String turnEnds) {
        boolean cut = false;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (item.deltaOfTurn() != null && droppingTurns.contains(item.deltaOfTurn())) {
                droppedDeltas.increment();
                return false;
            }
            if (queue.size() >= capacity) {
                if (item.deltaOfTurn() != null) {
                    droppingTurns.add(item.deltaOfTurn());
                    droppedDeltas.increment();
                    return false;
                }
                dropWaitingDeltas();
                cut = queue.size() >= capacity;
            }
            if (!cut) {
                queue.add(item);
                if (turnEnds != null) {
                    droppingTurns.remove(turnEnds);
                }
            }
        }
        if (cut) {
            cutOff();
            return false;
        }
        return true;
    }

    private void dropWaitingDeltas() {
        for (Iterator<Item<F>> it = queue.iterator(); it.hasNext();) {
            Item<F> waiting = it.next();
            if (waiting.deltaOfTurn() != null) {
                droppingTurns.add(waiting.deltaOfTurn());
                droppedDeltas.increment();
                it.remove();
            }
        }
    }

    private void drain() {
        Item<F> next;
        synchronized (this) {
            if (sending || closed || queue.isEmpty()) {
                return;
            }
            next = queue.poll();
            sending = true;
            notifyAll(); // a replay waiting for room may go on
        }
        CompletionStage<?> sent;
        try {
            sent = writer.apply(next.frame());
        } catch (RuntimeException gone) {
            close();
            return;
        }
        sent.whenComplete((ok, failure) -> {
            synchronized (this) {
                sending = false;
            }
            if (failure != null) {
                close(); // the client went away; its transport's close handler cleans up
            } else {
                drain();
            }
        });
    }
}
