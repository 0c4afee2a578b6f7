package io.nagatha.gateway.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nagatha.contracts.Event;
import io.nagatha.gateway.config.GatewayConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The open Server-Sent Events streams of this replica: each gets a session's events through a
 * bounded {@link ClientOutbox} (the same slow-consumer policy as WebSockets; a stream that is cut
 * off ends, and the browser reconnects with {@code Last-Event-ID}), and a comment line when it has
 * been idle for the keep-alive interval.
 */
@ApplicationScoped
public class SseStreams {

    private final SessionEventFanout fanout;
    private final GatewayConfig config;
    private final Set<OpenStream> open = ConcurrentHashMap.newKeySet();
    private final ClientOutbox.Meters meters;
    private final EventJson eventJson = new EventJson();

    /** One open stream and the comment it is sent when idle. */
    private record OpenStream(ClientOutbox<OutboundSseEvent> outbox, OutboundSseEvent keepAlive) {
    }

    SseStreams(SessionEventFanout fanout, GatewayConfig config, MeterRegistry metrics) {
        this.fanout = fanout;
        this.config = config;
        this.meters = ClientOutbox.Meters.forTransport(metrics, "sse");
        Gauge.builder("nagatha.sse.clients", open, Set::size).description("Open SSE event streams on this replica")
                .register(metrics);
    }

    /**
     * Opens a stream of the session's events after {@code since} (or from now). The events are
     * handed over once the client is connected, at its pace (a long replay waits for room in the
     * outbox), on a worker thread; the position is taken here, so nothing written meanwhile is missed.
     */
    public Multi<OutboundSseEvent> open(String sessionId, String since, Sse sse) {
        String from = since != null ? since : fanout.position(sessionId);
        DemandGate<OutboundSseEvent> gate = new DemandGate<>();
        ClientOutbox<OutboundSseEvent> outbox = new ClientOutbox<>(config.clients().outboundQueue(), gate::emit, gate::complete,
                meters);
        OpenStream stream = new OpenStream(outbox, sse.newEventBuilder().comment("keep-alive").build());
        AtomicReference<SessionEventFanout.Subscription> subscription = new AtomicReference<>();
        AtomicBoolean ended = new AtomicBoolean();
        SessionEventFanout.Sink sink = outbox.sink(event -> toSse(sse, event, eventJson.of(event)), config.clients().idleTimeout());
        open.add(stream);
        return Multi.createFrom().<OutboundSseEvent>emitter(emitter -> {
            gate.attach(emitter);
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                SessionEventFanout.Subscription subscribed = fanout.subscribe(sessionId, from, sink);
                subscription.set(subscribed);
                if (ended.get()) {
                    subscribed.close(); // the client left while its replay ran
                }
            });
        }).onTermination().invoke(() -> {
            ended.set(true);
            SessionEventFanout.Subscription subscribed = subscription.get();
            if (subscribed != null) {
                subscribed.close();
            }
            outbox.close();
            open.remove(stream);
        });
    }

    @Scheduled(every = "${nagatha.gateway.sse-keep-alive}", delayed = "${nagatha.gateway.sse-keep-alive}")
    void keepAlive() {
        open.forEach(stream -> stream.outbox().offerIfIdle(stream.keepAlive()));
    }

    private static OutboundSseEvent toSse(Sse sse, Event event, String json) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder().name(event.type())
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(json);
        if (event.id() != null) {
            builder.id(event.id());
        }
        return builder.build();
    }

    /**
     * Hands frames to the HTTP layer only as fast as it asks for them (it asks for the next one
     * when the previous is written), so the outbox, not an unbounded buffer, holds what waits.
     */
    static final class DemandGate<T> {
        private MultiEmitter<? super T> emitter;
        private T held;
        private CompletableFuture<Void> released;
        private boolean completed;

        synchronized void attach(MultiEmitter<? super T> emitter) {
            this.emitter = emitter;
            emitter.onRequest(n -> release());
            if (completed) {
                emitter.complete();
            }
            release();
        }

        /** Completes once the frame has been handed over. */
        CompletionStage<?> emit(T frame) {
            MultiEmitter<? super T> now;
            synchronized (this) {
                if (emitter == null || emitter.requested() <= 0) {
                    held = frame;
                    released = new CompletableFuture<>();
                    return released;
                }
                now = emitter;
            }
            now.emit(frame);
            return CompletableFuture.completedFuture(null);
        }

        /** Ends the stream (a cut-off client reconnects with Last-Event-ID). */
        void complete() {
            MultiEmitter<? super T> now;
            synchronized (this) {
                completed = true;
                now = emitter;
            }
            if (now != null) {
                now.complete();
            }
        }

        private void release() {
            T frame;
            CompletableFuture<Void> done;
            MultiEmitter<? super T> now;
            synchronized (this) {
                if (held == null || emitter == null || emitter.requested() <= 0) {
                    return;
                }
                frame = held;
                done = released;
                now = emitter;
                held = null;
                released = null;
            }
            now.emit(frame);
            done.complete(null);
        }
    }
}
