package io.nagatha.agent.service;

import io.nagatha.agent.config.AgentConfig;
import io.nagatha.agent.repository.Lease;
import io.nagatha.agent.repository.TurnRepository;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.support.turn.TurnLedger;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Runs a session's turns one at a time, in the order they were accepted, on whichever replica
 * holds the session's lease.
 *
 * <p>A turns-stream entry only says "this turn was posted". Its worker first makes sure the turn is
 * accepted (the gateway may have died right after queuing it), then tries to take the session's
 * lease. If another worker holds it, that worker will run this turn after its current one, so the
 * entry is done. Otherwise this worker runs the session's queue until it is empty and only then
 * releases the lease and acknowledges its entry: if the replica dies meanwhile, that entry is
 * taken over (after the lease has expired) and the new worker continues the queue, starting with
 * the turn that was running, which runs again from the start.
 */
@ApplicationScoped
public class SessionRunner {

    private static final Logger LOG = Logger.getLogger(SessionRunner.class);

    private final TurnLedger ledger;
    private final TurnRepository turns;
    private final TurnRunner runner;
    private final Set<Lease> held = ConcurrentHashMap.newKeySet();

    private final int maxAttempts;

    SessionRunner(TurnLedger ledger, TurnRepository turns, TurnRunner runner, AgentConfig config) {
        this.ledger = ledger;
        this.turns = turns;
        this.runner = runner;
        this.maxAttempts = config.maxAttempts();
    }

    /**
     * Handles one turns-stream entry. Returns when the entry may be acknowledged; throws when it
     * must stay pending ({@link LeaseLost}, or Redis failed) so that it is taken over later.
     */
    public void handle(TurnRequest posted, String owner) {
        TurnLedger.Decision decision = ledger.accept(posted);
        if (decision.outcome() != TurnLedger.Outcome.ACCEPTED) {
            LOG.debugf("turn %s not run: %s (%s)", posted.turnId(), decision.outcome(), decision.detail());
            return;
        }
        TurnRepository.Claim claim = turns.claim(posted.sessionId(), owner);
        if (claim.lease().isEmpty()) {
            return; // nothing waits, or the holder runs this turn after its current one
        }
        Lease lease = claim.lease().get();
        held.add(lease);
        try {
            runQueue(lease);
        } finally {
            // Also after a failure: an unfinished session's lease is then left to expire, and its
            // entry, no longer refreshed, to be taken over.
            held.remove(lease);
        }
    }

    private void runQueue(Lease lease) {
        while (true) {
            if (lease.lost()) {
                throw new LeaseLost(lease.toString());
            }
            Optional<String> head = turns.head(lease.sessionId());
            if (head.isEmpty()) {
                switch (turns.release(lease)) {
                    case RELEASED -> {
                        return;
                    }
                    case LOST -> throw new LeaseLost(lease.toString());
                    case MORE_WAITING -> {
                        continue;
                    }
                }
            }
            TurnRepository.Begin begin = turns.begin(lease, head.get());
            switch (begin.step()) {
                case FENCED -> throw new LeaseLost(lease.toString());
                case RUN -> {
                    if (begin.attempt() > maxAttempts) {
                        runner.giveUp(lease, begin.request(), begin.attempt() - 1);
                    } else {
                        runner.run(lease, begin.request());
                    }
                }
                case STOP -> runner.end(lease, begin.request(), begin.code());
                case ENDED -> LOG.debugf("turn %s ended before it started: %s", head.get(), begin.code());
                case MOVED, SKIP -> {
                    // the queue changed under us (a cancel, a finished re-delivery): look at the head again
                }
            }
        }
    }

    /** Renews the leases this replica holds; a lease found lost stops its worker at the next step. */
    public void renewLeases() {
        for (Lease lease : held) {
            if (!turns.renew(lease)) {
                LOG.warnf("%s was lost (this replica stalled longer than the lease); its turn runs again elsewhere", lease);
            }
        }
    }

    /** The leases this replica holds now. */
    public List<Lease> leases() {
        return List.copyOf(held);
    }

    /**
     * Lets leases go at once (the replica is stopping), so another replica need not wait for them
     * to expire; a lease released or taken over meanwhile is left alone.
     */
    public void giveUp(List<Lease> leases) {
        leases.forEach(turns::giveUp);
    }
}
