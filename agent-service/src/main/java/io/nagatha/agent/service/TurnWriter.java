package io.nagatha.agent.service;

import io.nagatha.agent.repository.Lease;
import io.nagatha.agent.repository.TurnRepository;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.TurnRequest;
import java.util.List;

/**
 * The running turn's events, written only while this worker holds the session's lease. Every write
 * (and {@link #check}) also learns whether the turn was asked to stop, which is how an interrupt or
 * a cancel takes effect "at the next delta or tool boundary".
 */
final class TurnWriter {

    private final TurnRepository turns;
    private final Lease lease;
    private final TurnRequest turn;

    TurnWriter(TurnRepository turns, Lease lease, TurnRequest turn) {
        this.turns = turns;
        this.lease = lease;
        this.turn = turn;
    }

    TurnRequest turn() {
        return turn;
    }

    Lease lease() {
        return lease;
    }

    void delta(String text) {
        write(Event.delta(turn.sessionId(), turn.turnId(), text));
    }

    /** Writes the events in one step; throws {@link TurnStopped} or {@link LeaseLost} instead. */
    void write(Event... events) {
        outcome(turns.append(lease, turn.turnId(), List.of(events)));
    }

    /** Writes nothing; throws when the turn was asked to stop or the lease is gone. */
    void check() {
        if (lease.lost()) {
            throw new LeaseLost(lease.toString());
        }
        outcome(turns.append(lease, turn.turnId(), List.of()));
    }

    private void outcome(TurnRepository.Written written) {
        if (written.fenced()) {
            throw new LeaseLost(lease.toString());
        }
        if (written.stopCode() != null) {
            throw new TurnStopped(written.stopCode());
        }
    }
}
