package io.nagatha.pool.service;

import io.modelcontextprotocol.spec.McpSchema;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.McpConnectionStatus;
import io.nagatha.contracts.McpServerStatus;
import io.nagatha.pool.client.McpClientFactory;
import io.nagatha.pool.client.McpLink;
import io.nagatha.pool.client.McpStartException;
import io.nagatha.pool.config.PoolConfig;
import io.nagatha.pool.config.ServerSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * The connections to one server: at most {@code maxConnections}, each idle, busy, in error or
 * closed. Failed starts and deaths back off exponentially; after {@code maxAttempts} failures in a
 * row the circuit opens and nothing is tried until it closes again or an operator restarts the
 * server, so a dead server costs a bounded number of attempts, never a storm. (SmallRye's
 * {@code @CircuitBreaker} does not fit: it guards a method, this guards each configured server.)
 * All state is guarded by this object's monitor; opening, pinging and closing happen outside it.
 */
public final class ServerPool {

    private static final Logger LOG = Logger.getLogger(ServerPool.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final ServerSpec spec;
    private final PoolConfig config;
    private final McpClientFactory factory;
    private final Executor background;
    private final BiConsumer<String, List<McpSchema.Tool>> toolsChanged;
    private final Backoff backoff;
    private final List<McpConnection> connections = new ArrayList<>();
    private int opening;
    private int failures;
    private int failedAttempts;
    private long nextAttemptAt;
    private long circuitClosesAt;
    private boolean circuitOpen;
    private boolean closed;
    private String lastError;
    private int toolCount;
    private volatile Instant lastHealthCheck;
    private long nextHealthCheckAt;

    ServerPool(ServerSpec spec, PoolConfig config, McpClientFactory factory, Executor background,
            BiConsumer<String, List<McpSchema.Tool>> toolsChanged) {
        this.spec = spec;
        this.config = config;
        this.factory = factory;
        this.background = background;
        this.toolsChanged = toolsChanged;
        this.backoff = Backoff.of(config.restart());
        this.nextHealthCheckAt = System.nanoTime() + config.health().interval().toNanos();
        spec.problem().ifPresent(problem -> this.lastError = problem);
    }

    public ServerSpec spec() {
        return spec;
    }

    /**
     * A connection of its own for one call, waiting until {@code deadline} (System.nanoTime) for a
     * free one; the caller must {@link #release} it.
     */
    public McpConnection acquire(long deadline) {
        synchronized (this) {
            while (true) {
                refuseWhenUnusable();
                for (McpConnection c : connections) {
                    // A process can be dead before its exit is noticed; never hand such a connection out.
                    if (McpConnectionStatus.IDLE.equals(c.state()) && c.processAlive()) {
                        c.state(McpConnectionStatus.BUSY);
                        return c;
                    }
                }
                long now = System.nanoTime();
                if (live() + opening < spec.maxConnections() && now >= nextAttemptAt) {
                    opening++;
                    break;
                }
                long wait = deadline - now;
                if (wait <= 0) {
                    throw failures > 0
                            ? new ToolCallException(ErrorCodes.UPSTREAM_ERROR, spec.name() + " is restarting: " + lastError, false)
                            : new ToolCallException(ErrorCodes.UPSTREAM_TIMEOUT, "no free connection to " + spec.name()
                                    + " before the call's deadline", false);
                }
                if (nextAttemptAt > now) {
                    wait = Math.min(wait, nextAttemptAt - now);
                }
                awaitNanos(wait);
            }
        }
        McpConnection opened = open(true);
        if (opened == null) {
            synchronized (this) {
                throw new ToolCallException(ErrorCodes.UPSTREAM_ERROR, spec.name() + " did not start: " + lastError, false);
            }
        }
        return opened;
    }

    private void refuseWhenUnusable() {
        if (closed) {
            throw new ToolCallException(ErrorCodes.UPSTREAM_ERROR, spec.name() + " was removed from the configuration", false);
        }
        if (spec.problem().isPresent()) {
            throw new ToolCallException(ErrorCodes.UPSTREAM_ERROR, spec.name() + " is misconfigured: " + spec.problem().get(), false);
        }
        if (circuitOpen) {
            throw new ToolCallException(ErrorCodes.UPSTREAM_ERROR, spec.name() + " is down after " + failures
                    + " failed attempts (circuit open): " + lastError, false);
        }
    }

    /** Gives a connection back; a broken one is closed and its server restarted with backoff. */
    public void release(McpConnection connection, ToolCallException failure) {
        boolean close;
        synchronized (this) {
            if (failure != null) {
                connection.recordError(failure.getMessage());
            }
            close = closed || (failure != null && failure.broken()) || McpConnectionStatus.ERROR.equals(connection.state());
            if (close) {
                fail(connection, failure != null ? failure.getMessage() : lastError);
            } else if (McpConnectionStatus.BUSY.equals(connection.state())) {
                connection.state(McpConnectionStatus.IDLE);
            }
            notifyAll();
        }
        if (close) {
            background.execute(() -> connection.close(config.stdio().closeGrace()));
        }
    }

    /** An attempt counted in {@code opening} failed: count it and wake whoever waits for a connection. */
    private synchronized void startFailed(String why) {
        opening--;
        failedAttempts++;
        recordFailure(why);
        notifyAll();
    }

    /** Opens one connection (the caller has counted it in {@code opening}); null when it failed. */
    private McpConnection open(boolean forCaller) {
        String id = spec.name() + "-" + IDS.incrementAndGet();
        McpLink link;
        try {
            link = factory.open(spec, tools -> publishTools(tools));
        } catch (RuntimeException e) {
            startFailed(e instanceof McpStartException ? e.getMessage() : McpClientFactory.describe(e));
            return null;
        }
        McpConnection connection = new McpConnection(id, link);
        List<McpSchema.Tool> tools;
        try {
            tools = connection.listTools(config.requestTimeout());
        } catch (ToolCallException e) {
            connection.close(config.stdio().closeGrace());
            startFailed("tools/list failed: " + e.getMessage());
            return null;
        }
        boolean keep;
        synchronized (this) {
            opening--;
            keep = !closed;
            if (keep) {
                failures = 0;
                nextAttemptAt = 0;
                connections.removeIf(c -> McpConnectionStatus.ERROR.equals(c.state()) || McpConnectionStatus.CLOSED.equals(c.state()));
                connection.state(forCaller ? McpConnectionStatus.BUSY : McpConnectionStatus.IDLE);
                connections.add(connection);
            }
            notifyAll();
        }
        if (!keep) {
            connection.close(config.stdio().closeGrace());
            return null;
        }
        connection.process().ifPresent(p -> p.onExit().thenRun(() -> died(connection, p)));
        publishTools(tools);
        LOG.debugf("%s: connection %s open (protocol %s)", spec.name(), id, link.initialized().protocolVersion());
        return connection;
    }

    private void publishTools(List<McpSchema.Tool> tools) {
        synchronized (this) {
            toolCount = tools.size();
        }
        toolsChanged.accept(spec.name(), tools);
    }

    /** The server's process exited on its own (crash, kill -9): fail its calls now and restart it. */
    private void died(McpConnection connection, Process process) {
        String state = connection.state();
        if (McpConnectionStatus.CLOSED.equals(state) || McpConnectionStatus.ERROR.equals(state)) {
            return; // the pool closed it, or had already failed it for a reason of its own
        }
        String why = "server process " + process.pid() + " exited with code " + process.exitValue();
        connection.died(why);
        synchronized (this) {
            if (!McpConnectionStatus.CLOSED.equals(connection.state())) {
                fail(connection, why);
            }
            notifyAll();
        }
        background.execute(() -> connection.close(config.stdio().closeGrace()));
    }

    /** Marks a connection failed and schedules the restart (under the monitor). */
    private void fail(McpConnection connection, String why) {
        if (closed) {
            connection.state(McpConnectionStatus.CLOSED);
            connections.remove(connection);
            return;
        }
        if (!McpConnectionStatus.ERROR.equals(connection.state())) {
            connection.state(McpConnectionStatus.ERROR);
            recordFailure(why);
        }
    }

    private void recordFailure(String why) {
        failures++;
        lastError = why;
        if (failures >= config.restart().maxAttempts()) {
            circuitOpen = true;
            circuitClosesAt = System.nanoTime() + config.restart().circuitOpen().toNanos();
            LOG.errorf("%s: %d failures in a row, circuit open for %s: %s", spec.name(), failures,
                    config.restart().circuitOpen(), why);
        } else {
            Duration delay = backoff.delay(failures);
            nextAttemptAt = System.nanoTime() + delay.toNanos();
            // One line per backoff step (a crash, a failed start): an operator sees every restart, never a storm.
            LOG.warnf("%s: failed (%d in a row), next start in %d ms: %s", spec.name(), failures, delay.toMillis(), why);
        }
    }

    /** Periodic upkeep: keep the minimum warm, expire idle connections, ping, half-open the circuit. */
    void maintain() {
        List<McpConnection> expired = new ArrayList<>();
        List<McpConnection> toPing = new ArrayList<>();
        int toOpen = 0;
        synchronized (this) {
            if (closed || spec.problem().isPresent()) {
                return;
            }
            if (live() > 0) {
                // In service again: a failed connection is history (the server's lastError keeps why),
                // not a lasting entry in the status and the error gauge.
                connections.removeIf(c -> McpConnectionStatus.ERROR.equals(c.state()) || McpConnectionStatus.CLOSED.equals(c.state()));
            }
            long now = System.nanoTime();
            if (circuitOpen && now >= circuitClosesAt) {
                circuitOpen = false;
                failures = config.restart().maxAttempts() - 1; // half-open: one more failure reopens it
                nextAttemptAt = now;
            }
            if (!circuitOpen && now >= nextAttemptAt) {
                int warm = Math.min(config.minIdle(), spec.maxConnections());
                // While failing, one attempt at a time: the backoff decides when the next may go.
                toOpen = failures > 0 ? Math.min(1, warm - live() - opening) : warm - live() - opening;
                toOpen = Math.max(0, toOpen);
                opening += toOpen;
            }
            int idleKept = 0;
            for (McpConnection c : connections) {
                if (!McpConnectionStatus.IDLE.equals(c.state())) {
                    continue;
                }
                boolean stale = Duration.between(c.lastUsed(), Instant.now()).compareTo(config.idleTimeout()) > 0;
                if (idleKept >= config.minIdle() && stale) {
                    c.state(McpConnectionStatus.CLOSED);
                    expired.add(c);
                } else {
                    idleKept++;
                }
            }
            connections.removeAll(expired);
            if (now >= nextHealthCheckAt) {
                nextHealthCheckAt = now + config.health().interval().toNanos();
                lastHealthCheck = Instant.now();
                for (McpConnection c : connections) {
                    if (McpConnectionStatus.IDLE.equals(c.state())) {
                        c.state(McpConnectionStatus.BUSY); // not handed out while it is being pinged
                        toPing.add(c);
                    }
                }
            }
        }
        expired.forEach(c -> background.execute(() -> c.close(config.stdio().closeGrace())));
        for (int i = 0; i < toOpen; i++) {
            background.execute(() -> {
                McpConnection c = open(false);
                if (c != null) {
                    synchronized (this) {
                        notifyAll();
                    }
                }
            });
        }
        toPing.forEach(c -> background.execute(() -> ping(c)));
    }

    private void ping(McpConnection connection) {
        ToolCallException failure = null;
        try {
            connection.ping(config.health().timeout());
        } catch (ToolCallException e) {
            failure = new ToolCallException(e.code(), "health check: " + e.getMessage(), true);
        }
        release(connection, failure);
    }

    /** An operator's restart: closes every connection, closes the circuit and starts afresh. */
    public void restart() {
        List<McpConnection> old;
        synchronized (this) {
            old = new ArrayList<>(connections);
            connections.clear();
            old.forEach(c -> c.state(McpConnectionStatus.CLOSED));
            failures = 0;
            circuitOpen = false;
            nextAttemptAt = 0;
            notifyAll();
        }
        old.forEach(c -> background.execute(() -> c.close(config.stdio().closeGrace())));
    }

    /** Stops taking calls; idle connections close now, busy ones when their call returns. */
    public void close(boolean now) {
        List<McpConnection> toClose = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (McpConnection c : connections) {
                if (now || !McpConnectionStatus.BUSY.equals(c.state())) {
                    c.state(McpConnectionStatus.CLOSED);
                    toClose.add(c);
                }
            }
            connections.removeAll(toClose);
            notifyAll();
        }
        if (now) {
            toClose.parallelStream().forEach(c -> c.close(config.stdio().closeGrace()));
        } else {
            toClose.forEach(c -> background.execute(() -> c.close(config.stdio().closeGrace())));
        }
    }

    private int live() {
        int n = 0;
        for (McpConnection c : connections) {
            if (McpConnectionStatus.IDLE.equals(c.state()) || McpConnectionStatus.BUSY.equals(c.state())) {
                n++;
            }
        }
        return n;
    }

    /** Connections as they are now (for tests and the status writer). */
    public synchronized List<McpConnection> connections() {
        return List.copyOf(connections);
    }

    /** Start attempts that failed since this pool was created. */
    public synchronized int failedAttempts() {
        return failedAttempts;
    }

    public synchronized McpServerStatus status(String replica) {
        String state;
        if (closed) {
            state = McpServerStatus.CLOSED;
        } else if (spec.problem().isPresent() || circuitOpen || (failures > 0 && live() == 0)) {
            state = McpServerStatus.ERROR;
        } else if (live() > 0) {
            state = McpServerStatus.READY;
        } else {
            state = McpServerStatus.STARTING;
        }
        List<McpConnectionStatus> list = connections.stream().map(McpConnection::status).toList();
        if (list.isEmpty() && McpServerStatus.ERROR.equals(state)) {
            // A server that never started still shows one connection, in error, so counts by state see it.
            list = List.of(new McpConnectionStatus(spec.name() + "-none", McpConnectionStatus.ERROR, null, null, 0,
                    failedAttempts, lastError));
        }
        return new McpServerStatus(spec.name(), spec.transport().label(), state, toolCount, lastHealthCheck, list,
                failedAttempts, lastError, replica, Instant.now());
    }

    private void awaitNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.timedWait(this, Math.max(nanos, 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolCallException(ErrorCodes.UPSTREAM_ERROR, "interrupted while waiting for " + spec.name(), false);
        }
    }
}
