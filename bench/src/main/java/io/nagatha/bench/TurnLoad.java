package io.nagatha.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.FakeOpenAi.Reply;
import io.nagatha.testing.FakeOpenAi.ToolCall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Turn overhead under open-loop load: a scheduler sends turns at a fixed rate whatever the answers
 * do (the JDK's asynchronous HTTP client, {@code POST …/messages?wait=60}, which answers 200 when the
 * gateway has seen {@code turn.completed}), and each latency is measured from the turn's
 * <em>intended</em> send time, so a stall is counted for every turn it delays (no coordinated
 * omission). The model is a fake that streams a fixed reply at once. Rows: fixed rates, saturation
 * (as many turns in flight as the gateway takes), the highest rate sustained with zero errors
 * (searched), and the tool-call path (a turn with one {@code echo} call through the pool) beside the
 * plain turn. Results go to {@code bench/target/results/turns.json}.
 *
 * <pre>TurnLoad [--short]</pre>
 */
public final class TurnLoad {

    static final String REPLY = "This is the benchmark's fixed reply, streamed in twenty small chunks of text to the agent.";
    private static final int SESSIONS = 64;

    private final String gateway;
    private final String key;
    private final List<String> sessions = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newFixedThreadPool(8)).build();
    private final AtomicLong sequence = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean errorShown = new java.util.concurrent.atomic.AtomicBoolean();

    private TurnLoad(String gateway, String key) {
        this.gateway = gateway;
        this.key = key;
    }

    /** One row's outcome. */
    record Row(String scenario, double targetRate, double achievedRate, long sent, long ok, long errors,
            double p50, double p95, double p99, double max) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", scenario);
            m.put("targetTurnsPerSecond", targetRate);
            m.put("achievedTurnsPerSecond", round(achievedRate));
            m.put("sent", sent);
            m.put("ok", ok);
            m.put("errors", errors);
            m.put("p50ms", p50);
            m.put("p95ms", p95);
            m.put("p99ms", p99);
            m.put("maxms", max);
            return m;
        }

        void print() {
            System.out.printf("%-26s %8s %8.1f %7d %6d %9.2f %9.2f %9.2f %9.2f%n", scenario, targetRate > 0 ? String.format("%.0f", targetRate) : "-",
                    achievedRate, sent, errors, p50, p95, p99, max);
        }
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--short");
        Duration step = Duration.ofSeconds(quick ? 3 : 10);
        double[] rates = quick ? new double[] {5, 10} : new double[] {10, 25, 50, 100};
        List<Row> rows = new ArrayList<>();
        System.out.printf("turn overhead: POST …/messages?wait=60 → 200 after turn.completed, open loop (latency from the intended send time);%n"
                + "fake model streaming %d chunks at once; gateway, session-service, agent-service (32 workers), pool-service, one Redis;%n"
                + "%d sessions round-robin; %s per fixed-rate row%n%n", FakeOpenAi.chunks(REPLY).size(), SESSIONS, step.toSeconds() + " s");
        System.out.printf("%-26s %8s %8s %7s %6s %9s %9s %9s %9s%n", "scenario", "target/s", "got/s", "turns", "errors", "p50 ms", "p95 ms",
                "p99 ms", "max ms");
        Map<String, Object> json = new LinkedHashMap<>();
        try (BenchStack stack = new BenchStack(1, true, List.of("-Xmx512m"))) {
            stack.llm.script(request -> {
                if (FakeOpenAi.lastUserMessage(request).startsWith("tool") && FakeOpenAi.toolResults(request).isEmpty()) {
                    return Reply.toolCalls(new ToolCall("call_echo", "everything__echo", "{\"message\":\"bench\"}"));
                }
                return Reply.chunks(FakeOpenAi.chunks(REPLY));
            });
            TurnLoad load = new TurnLoad(stack.gatewayUrl, stack.adminKey);
            for (int i = 0; i < SESSIONS; i++) {
                load.sessions.add(load.newSession());
            }
            load.openLoop("warm-up", 20, Duration.ofSeconds(quick ? 3 : 20), "turn");
            for (double rate : rates) {
                print(rows, load.openLoop("fixed rate", rate, step, "turn"));
            }
            print(rows, load.closedLoop("saturation (64 in flight)", 64, step, "turn"));
            Row best = load.searchMaxRate(quick ? 10 : 40, step, quick ? 1 : 4);
            print(rows, best);
            print(rows, load.closedLoop("plain turn (1 in flight)", 1, step, "turn"));
            print(rows, load.closedLoop("tool-call turn (1 in flight)", 1, step, "tool"));
        }
        System.out.printf("%n%d cores, load average at the end: %s%n", Runtime.getRuntime().availableProcessors(), loadAverage());
        json.put("date", Instant.now().toString());
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("loadAverage", loadAverage());
        json.put("form", quick ? "short" : "full");
        json.put("rows", rows.stream().map(Row::json).toList());
        Path out = Path.of("bench/target/results/turns.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        System.exit(0); // the HTTP client's threads are not daemons
    }

    private static void print(List<Row> rows, Row row) {
        rows.add(row);
        row.print();
    }

    private String newSession() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request("/api/v1/sessions", Map.of("interface", "cli", "mode", "new")),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("new session: " + r.statusCode() + " " + r.body());
        }
        return Json.decode(r.body(), JsonNode.class).get("id").asText();
    }

    private HttpRequest request(String path, Object body) {
        return HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.encode(body))).build();
    }

    /** Sends one turn; completes with true when the reply came back whole within the wait. */
    private CompletableFuture<Boolean> turn(String kind) {
        long n = sequence.getAndIncrement();
        String session = sessions.get((int) (n % sessions.size()));
        return http.sendAsync(request("/api/v1/sessions/" + session + "/messages?wait=60", Map.of("content", kind + " " + n)),
                HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                    boolean ok = r.statusCode() == 200 && REPLY.equals(Json.decode(r.body(), JsonNode.class).at("/reply/content").asText());
                    if (!ok) {
                        firstError("" + r.statusCode() + " " + r.body());
                    }
                    return ok;
                }).exceptionally(e -> {
                    firstError(e.toString());
                    return false;
                });
    }

    /** Prints the first error of a row, so that a row with errors says what they were. */
    private void firstError(String what) {
        if (errorShown.compareAndSet(false, true)) {
            System.out.printf("  (first error of the row: %s)%n", what.length() > 300 ? what.substring(0, 300) : what);
        }
    }

    /** Turns at {@code rate} per second for {@code length}, each latency from its intended send time. */
    private Row openLoop(String scenario, double rate, Duration length, String kind) throws InterruptedException {
        errorShown.set(false);
        Histogram latency = histogram();
        AtomicInteger errors = new AtomicInteger();
        long total = Math.round(rate * length.toMillis() / 1000.0);
        long period = Math.round(1e9 / rate);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        List<CompletableFuture<?>> all = new ArrayList<>();
        long start = System.nanoTime() + 50_000_000L;
        for (long i = 0; i < total; i++) {
            long intended = start + i * period;
            CompletableFuture<Object> done = new CompletableFuture<>();
            all.add(done);
            scheduler.schedule(() -> turn(kind).whenComplete((ok, e) -> {
                if (Boolean.TRUE.equals(ok)) {
                    synchronized (latency) {
                        latency.recordValue(Math.max(1, (System.nanoTime() - intended) / 1000));
                    }
                } else {
                    errors.incrementAndGet();
                }
                done.complete(null);
            }), intended - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        double wall = (System.nanoTime() - start) / 1e9;
        scheduler.shutdown();
        return row(scenario, rate, latency, errors.get(), total, wall);
    }

    /** {@code inFlight} clients, each sending its next turn when the last is answered, for {@code length}. */
    private Row closedLoop(String scenario, int inFlight, Duration length, String kind) throws InterruptedException {
        errorShown.set(false);
        Histogram latency = histogram();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong sent = new AtomicLong();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < inFlight; c++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    sent.incrementAndGet();
                    if (turn(kind).join()) {
                        synchronized (latency) {
                            latency.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                        }
                    } else {
                        errors.incrementAndGet();
                    }
                }
            });
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join();
        }
        return row(scenario, 0, latency, errors.get(), sent.get(), (System.nanoTime() - start) / 1e9);
    }

    /**
     * The highest rate with zero errors and the turns keeping up (achieved ≥ 95 % of the target, p99
     * under 1 s): up by half again while it holds, then halving the gap between the last good and the
     * first bad rate.
     */
    private Row searchMaxRate(double from, Duration step, int rounds) throws InterruptedException {
        Row good = null;
        double low = 0;
        double high = 0;
        double rate = from;
        for (int i = 0; i < rounds; i++) {
            Row r = openLoop("probe", rate, step, "turn");
            boolean holds = r.errors() == 0 && r.achievedRate() >= 0.95 * rate && r.p99() < 1000;
            System.out.printf("  (search: %.0f/s %s — got %.1f/s, p99 %.1f ms, %d errors)%n", rate, holds ? "holds" : "does not hold",
                    r.achievedRate(), r.p99(), r.errors());
            if (holds) {
                good = r;
                low = rate;
                rate = high == 0 ? rate * 1.5 : (rate + high) / 2;
            } else {
                high = rate;
                rate = (low + high) / 2;
            }
            Thread.sleep(2000); // let queues drain between probes
        }
        if (good == null) {
            return new Row("max sustained (none held)", from, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        return new Row("max sustained, 0 errors", low, good.achievedRate(), good.sent(), good.ok(), 0, good.p50(), good.p95(), good.p99(), good.max());
    }

    private static Row row(String scenario, double rate, Histogram h, int errors, long sent, double wall) {
        return new Row(scenario, rate, h.getTotalCount() / wall, sent, h.getTotalCount(), errors, ms(h, 50), ms(h, 95), ms(h, 99),
                h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0);
    }

    private static Histogram histogram() {
        return new Histogram(TimeUnit.MINUTES.toMicros(3), 3);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static String loadAverage() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
