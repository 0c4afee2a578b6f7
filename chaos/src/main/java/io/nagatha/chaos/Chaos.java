package io.nagatha.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.FakeOpenAi.Reply;
import io.nagatha.testing.FakeOpenAi.ToolCall;
import io.nagatha.testing.McpTestServers;
import io.nagatha.testing.ProcessTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * {@code ./chaos/run.sh [--short] [fault...]}: starts {@link Stack} (two replicas of every service),
 * runs each fault, prints per fault what was checked and PASS/FAIL, writes the results as JSON and
 * exits 1 when anything failed. The short form runs every fault with fewer repetitions and a
 * one-minute soak instead of ten.
 */
public final class Chaos {

    static final String STORY = ("This answer streams slowly, word after word, so that a replica can be killed while it is "
            + "still being written. ").repeat(4).strip();
    static final List<String> FAULTS = List.of("agent-kill", "pool-kill", "gateway-kill", "session-service-kill",
            "redis-restart", "mcp-kill", "soak");

    private final Stack stack;
    private final Report report;
    private final boolean quick;
    private final Api api;
    private final List<String> gateways;

    private Chaos(Stack stack, Report report, boolean quick) {
        this.stack = stack;
        this.report = report;
        this.quick = quick;
        this.api = new Api(stack.adminKey);
        this.gateways = stack.gateways();
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--short");
        List<String> chosen = new ArrayList<>(List.of(args).stream().filter(a -> !a.startsWith("--")).toList());
        if (chosen.isEmpty()) {
            chosen.addAll(FAULTS);
        }
        for (String f : chosen) {
            if (!FAULTS.contains(f)) {
                System.err.println("unknown fault " + f + "; faults: " + FAULTS);
                System.exit(2);
            }
        }
        Path root = Path.of(System.getProperty("user.dir"));
        Report report = new Report();
        Instant started = Instant.now();
        String marker;
        System.out.printf("chaos: %s, faults %s; %d cores, load average %s%n", quick ? "short form" : "full", chosen,
                Runtime.getRuntime().availableProcessors(), loadAverage());
        long t0 = System.nanoTime();
        try (Stack stack = new Stack(root)) {
            marker = stack.runMarker;
            // Ctrl-C or a kill of this harness still stops every process it started.
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "chaos-stop"));
            System.out.printf("stack ready in %.1f s: redis (AOF, fsync always), fake model, 2 × gateway, session-service "
                    + "(behind a balancer), pool-service, agent-service; logs in %s%n", seconds(t0), stack.logs);
            Chaos chaos = new Chaos(stack, report, quick);
            chaos.script();
            for (String fault : chosen) {
                report.begin(fault);
                long f0 = System.nanoTime();
                try {
                    chaos.run(fault);
                } catch (Exception | AssertionError e) {
                    report.error(e);
                }
                report.end(seconds(f0));
            }
        }
        report.begin("no-process-left");
        long f0 = System.nanoTime();
        noProcessLeft(report, marker, root);
        report.end(seconds(f0));
        report.summary();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("date", started.toString());
        run.put("form", quick ? "short" : "full");
        run.put("cores", Runtime.getRuntime().availableProcessors());
        run.put("loadAverageAtEnd", loadAverage());
        run.put("seconds", Duration.between(started, Instant.now()).toSeconds());
        Path out = root.resolve("chaos/target/chaos-" + (quick ? "short" : "full") + ".json");
        report.write(out, run);
        System.out.printf("%nchaos: %s in %d s; results in %s%n", report.passed() ? "PASS" : "FAIL",
                Duration.between(started, Instant.now()).toSeconds(), out);
        System.exit(report.passed() ? 0 : 1);
    }

    /** The fake model: slow answers for kills mid-stream, one long tool call, an echo of the message otherwise. */
    private void script() {
        stack.llm.script(request -> {
            String content = FakeOpenAi.lastUserMessage(request);
            if (content.startsWith("slow")) {
                return Reply.text(STORY).chunkDelay(Duration.ofMillis(50));
            }
            if (content.startsWith("tool")) {
                return FakeOpenAi.toolResults(request).isEmpty()
                        ? Reply.toolCalls(new ToolCall("call_long", "everything__trigger-long-running-operation", "{\"duration\":6,\"steps\":3}"))
                        : Reply.text("the long operation finished");
            }
            return Reply.text(answer(content));
        });
    }

    static String answer(String content) {
        return "answer to " + content;
    }

    private void run(String fault) throws Exception {
        switch (fault) {
            case "agent-kill" -> agentKill();
            case "pool-kill" -> poolKill();
            case "gateway-kill" -> gatewayKill();
            case "session-service-kill" -> sessionServiceKill();
            case "redis-restart" -> redisRestart();
            case "mcp-kill" -> mcpKill();
            case "soak" -> soak();
            default -> throw new IllegalArgumentException(fault);
        }
    }

    // ---- the faults -------------------------------------------------------------------------

    /** kill -9 of the agent running a turn, mid-stream: the other agent runs it again; one reply, once. */
    private void agentKill() {
        String session = newSession(0);
        try (Watcher watcher = new Watcher(gateways, 0, session, stack.adminKey)) {
            String turn = post(0, session, "slow: the agent running this is killed", null);
            awaitUntil("deltas streaming", Duration.ofSeconds(60), () -> count(turnEvents(session, turn), "message.delta") >= 5);
            String runner = (String) stack.redis().call("HGET", Keys.turn(session, turn), "runner");
            Stack.Replica victim = stack.of("agent-service").stream().filter(r -> runner.startsWith(r.replicaId() + "/")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no agent runs " + runner));
            long killed = System.nanoTime();
            victim.kill();
            report.check("agent " + victim.replicaId() + " (running the turn) killed with SIGKILL", !victim.alive(), "pid " + victim.pid());
            String end = awaitTerminal(session, turn, Duration.ofSeconds(90));
            report.measured("kill → turn.completed by the other agent (s)", round(seconds(killed)));
            List<JsonNode> events = turnEvents(session, turn);
            report.check("the turn completed", "turn.completed".equals(end), end);
            report.check("exactly one message and one turn.completed, no turn.failed",
                    count(events, "message") == 1 && count(events, "turn.completed") == 1 && count(events, "turn.failed") == 0, types(events));
            JsonNode rerun = events.stream().filter(e -> type(e).equals("turn.started")).reduce((a, b) -> b).orElseThrow();
            report.check("the other agent took it over: turn.started again, attempt 2, marked as a re-run",
                    rerun.at("/data/attempt").asInt() == 2 && rerun.at("/data/rerun").asBoolean(), rerun.path("data").toString());
            String survivor = (String) stack.redis().call("HGET", Keys.turn(session, turn), "runner");
            report.check("the survivor finished it", survivor != null && !survivor.startsWith(victim.replicaId() + "/"), survivor);
            checkHistory(session, List.of("user", "assistant"), STORY);
            checkWatcher(watcher, session, "a WebSocket client");
            victim.restart();
            report.check("the killed agent started again and is ready", victim.alive(), null);
        }
    }

    /** kill -9 of the pool replica running a tool call: the other pool takes the call over; one result, once. */
    private void poolKill() {
        String session = newSession(1);
        try (Watcher watcher = new Watcher(gateways, 1, session, stack.adminKey)) {
            String turn = post(1, session, "tool: the pool running this call is killed", null);
            List<?> pending = awaitValue("the tool call running on a pool replica", Duration.ofSeconds(60),
                    () -> (List<?>) stack.redis().call("XPENDING", Keys.TOOL_CALLS, Keys.TOOL_CALLS_GROUP, "-", "+", "10"),
                    list -> list != null && !list.isEmpty());
            String consumer = (String) ((List<?>) pending.get(0)).get(1);
            Stack.Replica victim = stack.of("pool-service").stream().filter(r -> consumer.startsWith(r.replicaId())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no pool replica is " + consumer));
            long killed = System.nanoTime();
            victim.kill();
            report.check("pool " + victim.replicaId() + " (running the call) killed with SIGKILL", !victim.alive(), consumer);
            String end = awaitTerminal(session, turn, Duration.ofSeconds(120));
            report.measured("kill → turn.completed (s)", round(seconds(killed)));
            List<JsonNode> events = turnEvents(session, turn);
            report.check("the turn completed", "turn.completed".equals(end), end);
            List<JsonNode> results = events.stream().filter(e -> type(e).equals("tool.result")).toList();
            report.check("exactly one tool.result, and it is a success (the other replica ran the call)",
                    results.size() == 1 && results.get(0).at("/data/ok").asBoolean(), results.toString());
            report.check("exactly one message and one turn.completed", count(events, "message") == 1 && count(events, "turn.completed") == 1,
                    types(events));
            checkHistory(session, List.of("user", "tool", "assistant"), "the long operation finished");
            Object left = stack.redis().call("XPENDING", Keys.TOOL_CALLS, Keys.TOOL_CALLS_GROUP);
            report.check("no tool call left pending", ((List<?>) left).get(0).equals(0L), String.valueOf(left));
            checkWatcher(watcher, session, "a WebSocket client");
            awaitUntil("the killed pool's MCP server exited with its stdin", Duration.ofSeconds(20), () -> orphans().isEmpty());
            report.check("no orphan MCP server process of the killed pool", orphans().isEmpty(), orphans().toString());
            victim.restart();
            report.check("the killed pool started again and is ready", victim.alive(), null);
        }
    }

    /**
     * kill -9 of a gateway holding WebSockets mid-turn: its clients reconnect to the other with the id
     * of the last event they got and miss nothing, get nothing twice.
     */
    private void gatewayKill() {
        int sessions = quick ? 3 : 6;
        List<String> ids = new ArrayList<>();
        List<Watcher> watchers = new ArrayList<>();
        try {
            for (int i = 0; i < sessions; i++) {
                String session = newSession(i % 2);
                ids.add(session);
                // Two clients per session on gateway a, one on b.
                watchers.add(new Watcher(gateways, 0, session, stack.adminKey));
                watchers.add(new Watcher(gateways, 0, session, stack.adminKey));
                watchers.add(new Watcher(gateways, 1, session, stack.adminKey));
            }
            List<String> turns = new ArrayList<>();
            for (String session : ids) {
                turns.add(post(1, session, "slow: the gateway of my clients dies", null));
            }
            awaitUntil("every turn streaming", Duration.ofSeconds(60),
                    () -> ids.stream().allMatch(s -> count(turnEvents(s, turns.get(ids.indexOf(s))), "message.delta") >= 3));
            Stack.Replica victim = stack.replica("gateway", "a");
            victim.kill();
            report.check("gateway a, holding " + (2 * sessions) + " WebSockets, killed with SIGKILL mid-turn", !victim.alive(), null);
            for (int i = 0; i < ids.size(); i++) {
                awaitTerminal(ids.get(i), turns.get(i), Duration.ofSeconds(90));
            }
            int moved = 0;
            for (int i = 0; i < watchers.size(); i++) {
                Watcher w = watchers.get(i);
                if (i % 3 != 2) {
                    moved += w.reconnects() > 0 && w.gateway().equals(gateways.get(1)) ? 1 : 0;
                }
            }
            report.check("every client of gateway a reconnected to gateway b", moved == 2 * sessions, moved + " of " + (2 * sessions));
            // One new turn after the move, so that the clients' resumed streams are live, not only replayed.
            List<String> after = new ArrayList<>();
            for (String session : ids) {
                after.add(post(1, session, "after the gateway died", null));
            }
            for (int i = 0; i < ids.size(); i++) {
                awaitTerminal(ids.get(i), after.get(i), Duration.ofSeconds(60));
            }
            int exact = 0;
            for (int i = 0; i < watchers.size(); i++) {
                exact += sameAsStream(watchers.get(i), ids.get(i / 3)) ? 1 : 0;
            }
            report.check("every client has every event of its session exactly once, in stream order (moved and not)",
                    exact == watchers.size(), exact + " of " + watchers.size() + " clients");
            victim.restart();
            report.check("gateway a started again and is ready", victim.alive(), null);
        } finally {
            watchers.forEach(Watcher::close);
        }
    }

    /**
     * kill -9 of a session-service replica while clients create sessions, send messages and read
     * history through both gateways: the other replica serves everything; every accepted turn completes once.
     */
    private void sessionServiceKill() throws Exception {
        Duration during = Duration.ofSeconds(quick ? 8 : 20);
        Map<String, List<String>> accepted = new ConcurrentHashMap<>();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger afterKill = new AtomicInteger();
        AtomicInteger failedAfterRecovery = new AtomicInteger();
        AtomicLong lastFailure = new AtomicLong(-1);
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE); // read by the client threads
        Stack.Replica victim = stack.replica("session-service", "a");
        ScheduledExecutorService clients = Executors.newScheduledThreadPool(4);
        long end = System.nanoTime() + during.toNanos();
        for (int c = 0; c < 4; c++) {
            int client = c;
            clients.execute(() -> {
                int n = 0;
                while (System.nanoTime() < end) {
                    int g = (client + n++) % 2;
                    boolean late = killedAt.get() != Long.MAX_VALUE && System.nanoTime() - killedAt.get() > TimeUnit.SECONDS.toNanos(10);
                    Api.Answer created = api.post(gateways.get(g) + "/api/v1/sessions", Map.of("interface", "cli", "mode", "new"));
                    requests.incrementAndGet();
                    if (!created.ok()) {
                        failures.add("create: " + created.describe());
                        sinceKill(lastFailure, killedAt.get());
                        failedAfterRecovery.addAndGet(late ? 1 : 0);
                        continue;
                    }
                    String session = created.body().get("id").asText();
                    String content = "session-service fault " + client + "/" + n;
                    Api.Answer posted = api.post(gateways.get(1 - g) + "/api/v1/sessions/" + session + "/messages",
                            Map.of("content", content, "idempotencyKey", "ssk-" + client + "-" + n));
                    requests.incrementAndGet();
                    if (posted.ok()) {
                        accepted.computeIfAbsent(session, s -> Collections.synchronizedList(new ArrayList<>())).add(posted.body().get("turnId").asText());
                    } else {
                        failures.add("post: " + posted.describe());
                        sinceKill(lastFailure, killedAt.get());
                        failedAfterRecovery.addAndGet(late ? 1 : 0);
                    }
                    Api.Answer history = api.get(gateways.get(g) + "/api/v1/sessions/" + session + "/messages");
                    requests.incrementAndGet();
                    if (!history.ok()) {
                        failures.add("history: " + history.describe());
                        sinceKill(lastFailure, killedAt.get());
                        failedAfterRecovery.addAndGet(late ? 1 : 0);
                    }
                    if (killedAt.get() != Long.MAX_VALUE && System.nanoTime() > killedAt.get()) {
                        afterKill.incrementAndGet();
                    }
                }
            });
        }
        Thread.sleep(during.toMillis() / 4);
        killedAt.set(System.nanoTime());
        victim.kill();
        report.check("session-service a killed with SIGKILL under load", !victim.alive(), null);
        clients.shutdown();
        clients.awaitTermination(during.toSeconds() + 120, TimeUnit.SECONDS);
        report.measured("requests (create session, post message, read history)", requests.get());
        report.check("clients kept working after the kill (sessions created, messages posted, history read through b)",
                afterKill.get() >= 5, afterKill.get() + " rounds after the kill");
        boolean onlyProblems = failures.stream().allMatch(f -> f.matches("\\w+: (503|502|504) .*\"code\".*"));
        report.check("requests that failed at the moment of the kill failed cleanly (an RFC 9457 problem with a code, no hang)",
                onlyProblems, failures.size() + " failed" + (failures.isEmpty() ? "" : ": " + failures.subList(0, Math.min(3, failures.size()))));
        report.measured("last failure after the kill (ms)", lastFailure.get() < 0 ? "none" : lastFailure.get());
        report.check("no request failed from 10 s after the kill on", failedAfterRecovery.get() == 0, failedAfterRecovery.get() + " failed");
        int turns = 0;
        int once = 0;
        for (Map.Entry<String, List<String>> e : accepted.entrySet()) {
            for (String turn : e.getValue()) {
                turns++;
                String end2 = awaitTerminal(e.getKey(), turn, Duration.ofSeconds(60));
                List<JsonNode> events = turnEvents(e.getKey(), turn);
                once += "turn.completed".equals(end2) && count(events, "turn.completed") == 1 && count(events, "message") == 1 ? 1 : 0;
            }
        }
        report.check("every accepted turn completed exactly once", turns > 0 && once == turns, once + " of " + turns);
        victim.restart();
        report.check("session-service a started again and is ready", victim.alive(), null);
    }

    /**
     * kill -9 of redis-server (AOF, fsync always) mid-turn, then the same server again: every key is
     * back, every service is ready again by itself, WebSocket clients resume, new turns run.
     */
    private void redisRestart() throws Exception {
        String session = newSession(0);
        String done = post(0, session, "before the restart", null);
        awaitTerminal(session, done, Duration.ofSeconds(60));
        try (Watcher watcher = new Watcher(gateways, 1, session, stack.adminKey)) {
            awaitUntil("the client replayed the session", Duration.ofSeconds(30), () -> sameAsStream(watcher, session));
            String inFlight = post(1, session, "slow: redis dies under me", null);
            awaitUntil("the turn streaming", Duration.ofSeconds(60), () -> count(turnEvents(session, inFlight), "message.delta") >= 3);
            String turnKey = Keys.turn(session, inFlight);
            Map<String, String> before = fingerprint(turnKey);
            Map<String, Long> fencesBefore = new LinkedHashMap<>();
            before.keySet().stream().filter(k -> k.endsWith(":fence"))
                    .forEach(k -> fencesBefore.put(k, Long.parseLong((String) stack.redis().call("GET", k))));
            stack.killRedis();
            long down = System.nanoTime();
            report.check("redis-server killed with SIGKILL mid-turn", true, before.size() + " durable keys before");
            Thread.sleep(2000);
            stack.startRedis();
            long up = System.nanoTime();
            Map<String, String> after = fingerprint(turnKey);
            Set<String> lost = new HashSet<>(before.keySet());
            // A stream may have grown since (the turn in flight writes until Redis dies, and again after): its last entry must still be there.
            lost.removeIf(k -> before.get(k).equals(after.get(k)) || before.get(k).startsWith("stream ")
                    && !((List<?>) stack.redis().call("XRANGE", k, before.get(k).substring(7), before.get(k).substring(7))).isEmpty());
            Map<String, String> fences = new LinkedHashMap<>();
            before.keySet().stream().filter(k -> k.endsWith(":fence")).forEach(k -> fences.put(k, (String) stack.redis().call("GET", k)));
            report.check("every durable key is back from the AOF as it was (users, keys, sessions, histories, event streams)",
                    lost.isEmpty(), lost.isEmpty() ? before.size() + " keys" : "changed or missing: " + lost);
            List<String> shrunk = fencesBefore.entrySet().stream().filter(e -> fences.get(e.getKey()) == null
                    || Long.parseLong(fences.get(e.getKey())) < e.getValue()).map(Map.Entry::getKey).toList();
            report.check("no lease fence went back (a stale agent could otherwise write again)", shrunk.isEmpty(),
                    fencesBefore.size() + " fences" + (shrunk.isEmpty() ? "" : ", went back: " + shrunk));
            awaitUntil("every service ready again", Duration.ofSeconds(120), () -> stack.replicas.values().stream()
                    .flatMap(List::stream).allMatch(r -> api.get(r.url() + "/q/health/ready").status() == 200));
            double ready = seconds(up);
            String next = awaitValue("a new turn accepted", Duration.ofSeconds(60), () -> tryPost(0, session, "after the restart"), t -> t != null);
            String end = awaitTerminal(session, next, Duration.ofSeconds(60));
            report.measured("redis back → all 8 services ready (s)", round(ready));
            report.measured("redis back → a new turn completed (s)", round(seconds(up)));
            report.measured("redis down (s)", round((up - down) / 1e9));
            report.check("every service ready again without a manual step", true, "after " + round(ready) + " s");
            report.check("a new turn completes", "turn.completed".equals(end), end);
            String flight = awaitTerminal(session, inFlight, Duration.ofSeconds(90));
            List<JsonNode> events = turnEvents(session, inFlight);
            report.check("the turn in flight when Redis died ended exactly once", count(events, "turn.completed") + count(events, "turn.failed") == 1,
                    flight + ": " + types(events));
            report.check("… and completed (run again after the restart)", "turn.completed".equals(flight) && count(events, "message") == 1, flight);
            checkWatcher(watcher, session, "a WebSocket client across the restart");
            List<String> roles = history(session).stream().map(m -> m.get("role").asText()).toList();
            report.check("history: three turns, each one user message and one reply",
                    roles.equals(List.of("user", "assistant", "user", "assistant", "user", "assistant")), roles.toString());
        }
    }

    /**
     * kill -9 of a pool's MCP server process, again and again. First a running server, several times:
     * each crash is one log line and one new process after a backoff step. Then a storm attempt:
     * every new process is killed the moment it appears — the pool's attempts stay one at a time with
     * doubling delays (no storm), each logged once, and it comes back when the killing stops. No MCP
     * process is ever left without its pool.
     */
    private void mcpKill() throws Exception {
        int crashes = quick ? 2 : 4;
        int storm = 3; // below restart.max-attempts (5): the circuit stays closed
        Stack.Replica pool = stack.replica("pool-service", "a");
        Set<Long> started = ConcurrentHashMap.newKeySet();
        started.addAll(mcpProcesses(pool.pid()));
        int initial = started.size();
        AtomicInteger maxAlive = new AtomicInteger(initial);
        ScheduledExecutorService scanner = Executors.newSingleThreadScheduledExecutor();
        // Every process the pool starts, however short-lived, is seen by a scan every 20 ms.
        scanner.scheduleAtFixedRate(() -> {
            List<Long> alive = mcpProcesses(pool.pid());
            started.addAll(alive);
            maxAlive.accumulateAndGet(alive.size(), Math::max);
        }, 0, 20, TimeUnit.MILLISECONDS);
        Instant[] lastKill = {Instant.EPOCH};
        try {
            long linesBefore = logLines(pool, "everything: failed (");
            List<Long> restartMs = new ArrayList<>();
            for (int k = 0; k < crashes; k++) {
                long victim = awaitValue("pool a's server up and idle", Duration.ofSeconds(60), () -> idleServer(pool, lastKill[0]), p -> p != null);
                int before = started.size();
                lastKill[0] = Instant.now();
                ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
                long killed = System.nanoTime();
                awaitUntil("a new MCP server after crash " + (k + 1), Duration.ofSeconds(30), () -> started.size() > before);
                restartMs.add(Math.round((System.nanoTime() - killed) / 1e6));
                awaitValue("pool a's server up again", Duration.ofSeconds(60), () -> idleServer(pool, lastKill[0]), p -> p != null);
            }
            int afterCrashes = started.size() - initial;
            List<String> crashLines = logLines(pool, "everything: failed (", linesBefore);
            report.check(crashes + " running MCP servers of pool a killed with SIGKILL, one after the other", true,
                    "new process after " + restartMs + " ms");
            report.check("each crash: exactly one new server process", afterCrashes == crashes, afterCrashes + " for " + crashes + " crashes");
            report.check("each crash logged once, as the first failure with its backoff step",
                    crashLines.size() == crashes && crashLines.stream().allMatch(l -> l.contains("failed (1 in a row), next start in")),
                    crashLines.size() + " lines");
            report.check("each restart waited its backoff step (≥ 400 ms: 500 ms base ± 20 %)", restartMs.stream().allMatch(ms -> ms >= 400),
                    restartMs.toString());

            // The storm attempt: kill each new process the moment it appears.
            long stormLinesBefore = logLines(pool, "everything: failed (");
            Set<Long> known = new HashSet<>(started);
            int stormStart = started.size();
            long running = awaitValue("pool a's server up and idle", Duration.ofSeconds(60), () -> idleServer(pool, lastKill[0]), p -> p != null);
            lastKill[0] = Instant.now();
            ProcessHandle.of(running).ifPresent(ProcessHandle::destroyForcibly);
            for (int k = 1; k < storm; k++) {
                List<Long> fresh = awaitValue("the next start attempt", Duration.ofSeconds(60),
                        () -> mcpProcesses(pool.pid()).stream().filter(p -> !known.contains(p)).toList(), l -> !l.isEmpty());
                known.addAll(fresh);
                fresh.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
            }
            long recovered0 = System.nanoTime();
            awaitValue("pool a's server up after the storm", Duration.ofSeconds(90), () -> idleServer(pool, lastKill[0]), p -> p != null);
            double recovered = seconds(recovered0);
            Thread.sleep(1000); // a late extra attempt would show now
            List<String> stormLines = logLines(pool, "everything: failed (", stormLinesBefore);
            List<Long> delays = stormLines.stream().map(l -> Long.parseLong(l.replaceAll(".*next start in (\\d+) ms.*", "$1"))).toList();
            known.addAll(started);
            known.addAll(mcpProcesses(pool.pid()));
            int stormStarts = known.size() - stormStart;
            report.check("storm attempt: the server and then " + (storm - 1) + " start attempts killed as they appeared; each failure logged once",
                    stormLines.size() == storm, stormLines.size() + " lines: " + delays + " ms");
            boolean doubling = true;
            for (int i = 1; i < delays.size(); i++) {
                doubling &= delays.get(i) >= delays.get(i - 1) * 1.3;
            }
            report.check("no storm: one attempt at a time, each after a longer backoff step (500 ms doubling, ± 20 %)",
                    doubling && maxAlive.get() <= 1 + initial, "delays " + delays + " ms, at most " + maxAlive.get() + " server process(es) at once");
            report.check("attempts bounded: one new process per failure, then one that stays", stormStarts == storm,
                    stormStarts + " processes for " + storm + " failures");
            report.measured("storm over → server up again (s)", round(recovered));
            String echo = awaitValue("a tool call through the gateway", Duration.ofSeconds(30), () -> {
                Api.Answer call = api.post(gateways.get(0) + "/api/v1/tools/everything/echo/calls", Map.of("arguments", Map.of("message", "after the storm")));
                return call.ok() ? call.body().at("/content/0/text").asText() : null;
            }, v -> v != null);
            report.check("tool calls work again", echo.contains("after the storm"), echo);
        } finally {
            scanner.shutdownNow();
        }
        Set<Long> pools = stack.of("pool-service").stream().map(Stack.Replica::pid).collect(Collectors.toSet());
        List<ProcessTable.Entry> strays = ProcessTable.matching(everythingScript()).stream().filter(p -> !pools.contains(p.parent())).toList();
        report.check("zero orphans: every MCP server process is a child of a live pool", strays.isEmpty(), strays.toString());
    }

    /**
     * The pid of pool a's server when its status in Redis shows it ready with an idle connection
     * opened after {@code since} (the status is written every 2 s: an older one may describe the
     * process just killed), else null.
     */
    private Long idleServer(Stack.Replica pool, Instant since) {
        List<Long> alive = mcpProcesses(pool.pid());
        JsonNode status = serverStatus(pool);
        boolean idle = status != null && "ready".equals(status.path("state").asText())
                && java.util.stream.StreamSupport.stream(status.path("connections").spliterator(), false)
                        .anyMatch(c -> "idle".equals(c.path("state").asText()) && Instant.parse(c.path("createdAt").asText()).isAfter(since));
        return idle && alive.size() == 1 ? alive.get(0) : null;
    }

    /** Pool a's own view of the server, as it writes it to Redis every 2 s. */
    private JsonNode serverStatus(Stack.Replica pool) {
        List<?> all = (List<?>) stack.redis().call("HGETALL", Keys.MCP_SERVERS);
        for (int i = 0; i < all.size(); i += 2) {
            if (((String) all.get(i)).startsWith("everything@" + pool.replicaId())) {
                return Json.decode((String) all.get(i + 1), JsonNode.class);
            }
        }
        return null;
    }

    /**
     * A fixed rate of turns over several sessions, through both gateways, with WebSocket clients on
     * each session: every accepted turn completes exactly once, checked against each session's event
     * stream, its history and what every client received.
     */
    private void soak() throws Exception {
        Duration length = Duration.ofSeconds(quick ? 45 : 600);
        double rate = 4;
        int sessions = 8;
        List<String> ids = new ArrayList<>();
        List<Watcher> watchers = new ArrayList<>();
        Map<String, List<String[]>> accepted = new ConcurrentHashMap<>(); // session -> [turnId, content]
        Map<String, Long> intended = new ConcurrentHashMap<>();
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        try {
            for (int i = 0; i < sessions; i++) {
                String session = newSession(i % 2);
                ids.add(session);
                accepted.put(session, Collections.synchronizedList(new ArrayList<>()));
                watchers.add(new Watcher(gateways, i % 2, session, stack.adminKey));
            }
            long total = Math.round(length.toSeconds() * rate);
            long period = Math.round(1e9 / rate);
            ScheduledExecutorService senders = Executors.newScheduledThreadPool(8);
            long start = System.nanoTime() + 100_000_000L;
            for (long n = 0; n < total; n++) {
                long at = start + n * period;
                long turnNo = n;
                senders.schedule(() -> {
                    String session = ids.get((int) (turnNo % sessions));
                    String content = "soak " + turnNo;
                    // A client that gets no answer tries the other gateway with the same idempotency key.
                    for (int attempt = 0; attempt < 3; attempt++) {
                        Api.Answer answer = api.post(gateways.get((int) ((turnNo + attempt) % 2)) + "/api/v1/sessions/" + session + "/messages",
                                Map.of("content", content, "idempotencyKey", "soak-" + turnNo));
                        if (answer.ok()) {
                            String turn = answer.body().get("turnId").asText();
                            accepted.get(session).add(new String[] {turn, content});
                            intended.put(turn, at);
                            return;
                        }
                        if (attempt == 2) {
                            refused.add(answer.describe());
                        }
                    }
                }, at - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
            senders.shutdown();
            senders.awaitTermination(length.toSeconds() + 120, TimeUnit.SECONDS);
            int count = accepted.values().stream().mapToInt(List::size).sum();
            report.measured("turns sent at " + rate + "/s for " + length.toSeconds() + " s", total);
            report.check("every turn accepted", count == total && refused.isEmpty(), count + " of " + total
                    + (refused.isEmpty() ? "" : "; refused: " + refused.subList(0, Math.min(3, refused.size()))));
            Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
            int exactlyOnce = 0;
            int inHistory = 0;
            int turnCount = 0;
            for (String session : ids) {
                List<String[]> turns = accepted.get(session);
                for (String[] t : turns) {
                    awaitTerminal(session, t[0], Duration.ofSeconds(120));
                }
                Map<String, List<JsonNode>> byTurn = stream(session).stream().map(e -> e.event)
                        .filter(e -> e.hasNonNull("turnId")).collect(Collectors.groupingBy(e -> e.get("turnId").asText()));
                for (String[] t : turns) {
                    turnCount++;
                    List<JsonNode> events = byTurn.getOrDefault(t[0], List.of());
                    if (count(events, "turn.accepted") == 1 && count(events, "turn.completed") == 1 && count(events, "message") == 1
                            && count(events, "turn.failed") == 0) {
                        exactlyOnce++;
                        JsonNode completed = events.stream().filter(e -> type(e).equals("turn.completed")).findFirst().orElseThrow();
                        long doneNanos = Instant.parse(completed.get("at").asText()).toEpochMilli();
                        latency.recordValue(Math.max(1, (doneNanos - wallMillis(intended.get(t[0]))) * 1000));
                    }
                }
                report.check("session " + session + ": no turn completed that was not accepted",
                        byTurn.values().stream().mapToLong(e -> count(e, "turn.completed")).sum() == turns.size(),
                        turns.size() + " accepted");
                List<JsonNode> history = history(session);
                for (String[] t : turns) {
                    long users = history.stream().filter(m -> m.get("role").asText().equals("user") && m.get("content").asText().equals(t[1])).count();
                    long replies = history.stream().filter(m -> m.get("role").asText().equals("assistant")
                            && m.get("content").asText().equals(answer(t[1]))).count();
                    inHistory += users == 1 && replies == 1 ? 1 : 0;
                }
            }
            report.check("every accepted turn: one turn.accepted, one message, one turn.completed, no turn.failed in its session's stream",
                    exactlyOnce == turnCount, exactlyOnce + " of " + turnCount);
            report.check("every accepted turn is in its session's history once: its message and its reply",
                    inHistory == turnCount, inHistory + " of " + turnCount);
            int exact = 0;
            for (int i = 0; i < watchers.size(); i++) {
                exact += sameAsStream(watchers.get(i), ids.get(i)) ? 1 : 0;
            }
            report.check("every WebSocket client got its session's events exactly once, in order", exact == watchers.size(),
                    exact + " of " + watchers.size());
            report.measured("intended send → turn.completed written, p50/p99/max (ms)",
                    String.format("%.1f / %.1f / %.1f", latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                            latency.getMaxValue() / 1000.0));
        } finally {
            watchers.forEach(Watcher::close);
        }
    }

    /** Keeps the largest time after the kill (ms) at which a request failed; none before the kill. */
    private static void sinceKill(AtomicLong last, long killedAt) {
        if (killedAt != Long.MAX_VALUE) {
            last.accumulateAndGet((System.nanoTime() - killedAt) / 1_000_000, Math::max);
        }
    }

    /** After the stack is closed: no process of this run (services, redis, MCP servers) is left. */
    private static void noProcessLeft(Report report, String marker, Path root) {
        List<ProcessTable.Entry> services = ProcessTable.matching("-Dnagatha.chaos.run=" + marker);
        List<ProcessTable.Entry> mcp = ProcessTable.matching(root.resolve("mcp/node_modules").toString());
        List<ProcessTable.Entry> redis = ProcessTable.matching(marker + "/redis");
        report.check("no service process of this run left", services.isEmpty(), services.toString());
        report.check("no MCP server process of this worktree left", mcp.isEmpty(), mcp.toString());
        report.check("no redis-server of this run left", redis.isEmpty(), redis.toString());
    }

    // ---- helpers ----------------------------------------------------------------------------

    private record StreamEvent(String id, JsonNode event) {
    }

    private String newSession(int gateway) {
        return api.ok(api.post(gateways.get(gateway) + "/api/v1/sessions", Map.of("interface", "cli", "mode", "new")), "new session")
                .get("id").asText();
    }

    private String post(int gateway, String session, String content, String idempotencyKey) {
        Map<String, String> body = idempotencyKey == null ? Map.of("content", content) : Map.of("content", content, "idempotencyKey", idempotencyKey);
        return api.ok(api.post(gateways.get(gateway) + "/api/v1/sessions/" + session + "/messages", body), "post").get("turnId").asText();
    }

    private String tryPost(int gateway, String session, String content) {
        Api.Answer answer = api.post(gateways.get(gateway) + "/api/v1/sessions/" + session + "/messages",
                Map.of("content", content, "idempotencyKey", "try-" + content));
        return answer.ok() ? answer.body().get("turnId").asText() : null;
    }

    private List<StreamEvent> stream(String session) {
        List<StreamEvent> events = new ArrayList<>();
        Object range = stack.redis().call("XRANGE", Keys.events(session), "-", "+");
        for (Object entry : (List<?>) range) {
            List<?> e = (List<?>) entry;
            List<?> fields = (List<?>) e.get(1);
            for (int i = 0; i < fields.size(); i += 2) {
                if ("event".equals(fields.get(i))) {
                    JsonNode event = Json.decode((String) fields.get(i + 1), JsonNode.class);
                    events.add(new StreamEvent((String) e.get(0), event));
                }
            }
        }
        return events;
    }

    private List<JsonNode> turnEvents(String session, String turn) {
        try {
            return stream(session).stream().map(StreamEvent::event).filter(e -> turn.equals(e.path("turnId").asText())).toList();
        } catch (RuntimeException redisDown) {
            return List.of();
        }
    }

    private String awaitTerminal(String session, String turn, Duration timeout) {
        List<JsonNode> events = awaitValue("turn " + turn + " to end", timeout, () -> turnEvents(session, turn),
                l -> l.stream().anyMatch(e -> type(e).equals("turn.completed") || type(e).equals("turn.failed")));
        return events.stream().map(Chaos::type).filter(t -> t.equals("turn.completed") || t.equals("turn.failed")).findFirst().orElseThrow();
    }

    private List<JsonNode> history(String session) {
        List<JsonNode> all = new ArrayList<>();
        String before = null;
        do {
            JsonNode page = api.ok(api.get(gateways.get(0) + "/api/v1/sessions/" + session + "/messages?limit=200"
                    + (before == null ? "" : "&before=" + before)), "history");
            List<JsonNode> items = new ArrayList<>();
            page.get("items").forEach(items::add);
            all.addAll(0, items);
            before = page.path("nextCursor").isNull() || page.path("nextCursor").isMissingNode() ? null : page.get("nextCursor").asText();
        } while (before != null);
        return all;
    }

    private void checkHistory(String session, List<String> roles, String reply) {
        List<JsonNode> history = history(session);
        List<String> actual = history.stream().map(m -> m.get("role").asText()).toList();
        String last = history.isEmpty() ? "" : history.get(history.size() - 1).get("content").asText();
        report.check("history holds the turn once: " + roles, actual.equals(roles) && last.equals(reply), actual.toString());
    }

    private boolean sameAsStream(Watcher watcher, String session) {
        try {
            awaitUntil("the client caught up", Duration.ofSeconds(20),
                    () -> watcher.ids().equals(stream(session).stream().map(StreamEvent::id).toList()));
            return true;
        } catch (IllegalStateException late) {
            List<String> got = watcher.ids();
            List<String> want = stream(session).stream().map(StreamEvent::id).toList();
            Set<String> dup = got.stream().filter(id -> Collections.frequency(got, id) > 1).collect(Collectors.toSet());
            List<String> missing = want.stream().filter(id -> !got.contains(id)).toList();
            System.out.printf("    client of %s: %d events, stream %d; duplicates %s, missing %s%n", session, got.size(), want.size(), dup,
                    missing.subList(0, Math.min(5, missing.size())));
            return false;
        }
    }

    private void checkWatcher(Watcher watcher, String session, String who) {
        report.check(who + " got every event of the session exactly once, in order", sameAsStream(watcher, session),
                watcher.ids().size() + " events, " + watcher.reconnects() + " reconnects");
    }

    /** A fingerprint of every durable key: type, size and (for streams) the last id. Volatile keys (heartbeats, status, usage) are left out. */
    private Map<String, String> fingerprint(String inFlightTurnKey) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Object k : (List<?>) stack.redis().call("KEYS", "nagatha:*")) {
            String key = (String) k;
            if (!key.contains(":session:") && !key.contains("{auth}") && !key.contains(":user:")) {
                continue;
            }
            // A lease is renewed while its turn runs, and the turn in flight changes by design: checked by its own events below.
            if (key.endsWith(":lease") || key.equals(inFlightTurnKey)) {
                continue;
            }
            String type = (String) stack.redis().call("TYPE", key);
            Object size = switch (type) {
                // A session's fence only grows: the turn in flight takes the lease again after the restart.
                case "string" -> key.endsWith(":fence") ? "fence" : stack.redis().call("GET", key);
                case "hash" -> sortedPairs((List<?>) stack.redis().call("HGETALL", key)); // field order is not kept by a reload
                case "list" -> stack.redis().call("LRANGE", key, "0", "-1");
                case "set" -> stack.redis().call("SCARD", key);
                case "zset" -> stack.redis().call("ZRANGE", key, "0", "-1", "WITHSCORES");
                case "stream" -> lastEntry(key);
                default -> "";
            };
            keys.put(key, type + " " + size);
        }
        return keys;
    }

    /** The id of a stream's last entry ("0-0" for an empty one). */
    private String lastEntry(String stream) {
        List<?> last = (List<?>) stack.redis().call("XREVRANGE", stream, "+", "-", "COUNT", "1");
        return last.isEmpty() ? "0-0" : (String) ((List<?>) last.get(0)).get(0);
    }

    private static Map<String, String> sortedPairs(List<?> pairs) {
        Map<String, String> sorted = new java.util.TreeMap<>();
        for (int i = 0; i < pairs.size(); i += 2) {
            sorted.put((String) pairs.get(i), (String) pairs.get(i + 1));
        }
        return sorted;
    }

    private List<Long> mcpProcesses(long poolPid) {
        return ProcessTable.matching(everythingScript()).stream().filter(p -> p.parent() == poolPid).map(ProcessTable.Entry::pid).toList();
    }

    private List<ProcessTable.Entry> orphans() {
        Set<Long> pools = stack.of("pool-service").stream().filter(Stack.Replica::alive).map(Stack.Replica::pid).collect(Collectors.toSet());
        return ProcessTable.matching(everythingScript()).stream().filter(p -> !pools.contains(p.parent())).toList();
    }

    private static String everythingScript() {
        return McpTestServers.script("everything");
    }

    /** The lines containing {@code text} after the first {@code skip} of them. */
    private static List<String> logLines(Stack.Replica replica, String text, long skip) throws IOException {
        try (var lines = Files.lines(replica.log())) {
            return lines.filter(l -> l.contains(text)).skip(skip).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static long logLines(Stack.Replica replica, String text) throws IOException {
        try (var lines = Files.lines(replica.log())) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static long count(List<JsonNode> events, String type) {
        return events.stream().filter(e -> type(e).equals(type)).count();
    }

    private static String type(JsonNode event) {
        return event.path("type").asText();
    }

    private static String types(List<JsonNode> events) {
        return events.stream().map(Chaos::type).filter(t -> !t.equals("message.delta")).toList() + " (+"
                + count(events, "message.delta") + " deltas)";
    }

    private static long wallMillis(long nanoTime) {
        return System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    private static void awaitUntil(String what, Duration timeout, BooleanSupplier condition) {
        awaitValue(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null, v -> v != null);
    }

    private static <T> T awaitValue(String what, Duration timeout, java.util.function.Supplier<T> value, java.util.function.Predicate<T> done) {
        long end = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < end) {
            try {
                T v = value.get();
                if (done.test(v)) {
                    return v;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what);
            }
        }
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what
                + (last == null ? "" : " (last error: " + last + ")"));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static String loadAverage() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (IOException e) {
            return "unknown";
        }
    }
}
