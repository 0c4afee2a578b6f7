package io.nagatha.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.ApiKeys;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.EventTypes;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.StreamFields;
import io.nagatha.testing.FreePorts;
import io.nagatha.testing.RedisServer;
import io.nagatha.testing.ServiceProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * One gateway replica (packaged, run as in production: default GC, C2, 1 GiB heap) with real
 * session-service and Redis:
 * <ol>
 * <li>holds {@code N} idle WebSockets (default 10,000, spread over 100 sessions) and reports the
 * gateway's RSS and heap before and after, and per connection;</li>
 * <li>measures event fan-out latency to {@code M} active clients of one session (default 500):
 * events written to the session's stream (as an agent writes them) at a steady rate, each carrying
 * its write time; every client records write → receipt (same clock: this JVM writes and reads).</li>
 * </ol>
 * Needs a file-descriptor limit above N (./bench/websocket.sh raises it).
 */
public final class WebSocketBench {

    private static final Duration READY = Duration.ofSeconds(120);
    private static final int OPEN_AT_ONCE = 50;

    private WebSocketBench() {
    }

    public static void main(String[] args) throws Exception {
        int idle = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int active = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int events = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int sessions = Math.max(1, Math.min(100, idle / 100));
        Path root = Path.of(System.getProperty("nagatha.root", ".")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("ws-bench");
        String adminKey = ApiKeys.generate("bench");
        Vertx vertx = Vertx.vertx();
        HttpClient ws = vertx.createHttpClient(new HttpClientOptions().setMaxWebSockets(idle + active + 100)
                .setMaxPoolSize(idle + active + 100));
        System.out.printf("gateway: 1 replica, -Xmx1g, default GC; session-service: 1 replica; a redis-server; all on loopback%n"
                + "machine: %d cores, load average %s%n", Runtime.getRuntime().availableProcessors(), loadAverage());
        try (RedisServer redis = RedisServer.start();
                ServiceProcess session = ServiceProcess.start("session-service", root.resolve("session-service/target/quarkus-app"),
                        FreePorts.next(), Map.of("nagatha.redis.url", redis.url(), "nagatha.identities.admin-key", adminKey,
                                "quarkus.log.category.\"io.nagatha\".level", "INFO"), work);
                ServiceProcess gateway = ServiceProcess.start("gateway", root.resolve("gateway/target/quarkus-app"), FreePorts.next(),
                        Map.of("nagatha.redis.url", redis.url(), "nagatha.session-service.url", "http://127.0.0.1:" + session.port(),
                                "nagatha.gateway.rate-limit.enabled", "false", "nagatha.gateway.clients.idle-timeout", "1h",
                                "quarkus.log.category.\"io.nagatha\".level", "INFO"),
                        work, List.of("-Xmx1g"))) {
            session.awaitReady(READY);
            gateway.awaitReady(READY);
            String base = gateway.url();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < sessions + 1; i++) {
                ids.add(createSession(base, adminKey));
            }

            // 1. Idle connections: memory before and after.
            Memory before = Memory.of(gateway);
            long started = System.nanoTime();
            List<WebSocket> idleSockets = open(ws, gateway.port(), adminKey, idle, i -> ids.get(i % sessions), null);
            double openSeconds = (System.nanoTime() - started) / 1e9;
            // A socket is open for the client once upgraded; the gateway attaches it right after (on a worker): wait for that.
            long attachDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (metricValue(base, "nagatha_websocket_clients") < idleSockets.size() && System.nanoTime() < attachDeadline) {
                Thread.sleep(500);
            }
            Thread.sleep(5_000);
            int open = (int) idleSockets.stream().filter(s -> !s.isClosed()).count();
            Map<Short, Long> closeCodes = idleSockets.stream().filter(WebSocket::isClosed)
                    .collect(java.util.stream.Collectors.groupingBy(s -> s.closeStatusCode() == null ? (short) 0 : s.closeStatusCode(),
                            java.util.TreeMap::new, java.util.stream.Collectors.counting()));
            Memory after = Memory.of(gateway);
            String gauge = metric(base, "nagatha_websocket_clients");
            System.out.printf("%n%,d idle WebSockets opened in %.1f s (%,.0f/s), %d at a time; %,d open 5 s after the last was"
                    + " attached%s; the gateway's nagatha_websocket_clients: %s%n", idleSockets.size(), openSeconds, idleSockets.size() / openSeconds,
                    OPEN_AT_ONCE, open, closeCodes.isEmpty() ? "" : " (closed, by code: " + closeCodes + ")", gauge);
            System.out.printf("%-20s %12s %12s %14s%n", "gateway", "before", "after", "per connection");
            System.out.printf("%-20s %9.1f MiB %9.1f MiB %11.1f KiB%n", "RSS", before.rss / 1048576.0, after.rss / 1048576.0,
                    (after.rss - before.rss) / 1024.0 / idle);
            System.out.printf("%-20s %9.1f MiB %9.1f MiB %11.1f KiB%n", "heap used (after GC)", before.heap / 1048576.0,
                    after.heap / 1048576.0, (after.heap - before.heap) / 1024.0 / idle);
            CountDownLatch closed = new CountDownLatch(idleSockets.size());
            idleSockets.forEach(s -> s.close().onComplete(done -> closed.countDown()));
            closed.await(60, TimeUnit.SECONDS);

            // 2. Fan-out latency to the active clients of one session.
            String hot = ids.get(sessions);
            Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(30), 3);
            AtomicInteger received = new AtomicInteger();
            List<WebSocket> activeSockets = open(ws, gateway.port(), adminKey, active, i -> hot, frame -> {
                int at = frame.indexOf("\"sent\":");
                if (at > 0 && frame.contains(EventTypes.MESSAGE_DELTA)) {
                    long sent = Long.parseLong(frame.substring(at + 7, frame.indexOf('}', at)).trim());
                    synchronized (latency) {
                        latency.recordValue(Math.max(0, (System.nanoTime() - sent) / 1000));
                    }
                    received.incrementAndGet();
                }
            });
            Thread.sleep(1_000);
            int warmUp = Math.min(50, events);
            write(redis, hot, warmUp, 10);
            awaitCount(received, (long) warmUp * active, Duration.ofSeconds(30));
            synchronized (latency) {
                latency.reset();
            }
            received.set(0);
            write(redis, hot, events, 20);
            boolean all = awaitCount(received, (long) events * active, Duration.ofSeconds(60));
            System.out.printf("%nfan-out: %,d events written to one session's stream, 20 ms apart, to %,d WebSockets on the gateway%n",
                    events, active);
            System.out.printf("%-10s %10s %10s %10s %10s %10s%n", "deliveries", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms");
            synchronized (latency) {
                System.out.printf("%,10d %10.2f %10.2f %10.2f %10.2f %10.2f%s%n", latency.getTotalCount(),
                        latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(90) / 1000.0,
                        latency.getValueAtPercentile(99) / 1000.0, latency.getValueAtPercentile(99.9) / 1000.0,
                        latency.getMaxValue() / 1000.0, all ? "" : "  (not every delivery arrived in time)");
            }
            activeSockets.forEach(WebSocket::close);
            System.out.printf("%nload average at the end: %s%n", loadAverage());
        } finally {
            ws.close();
            vertx.close();
        }
    }

    /** Opens {@code count} sockets, {@value #OPEN_AT_ONCE} handshakes at a time; {@code frames} sees every text frame. */
    private static List<WebSocket> open(HttpClient client, int port, String key, int count, java.util.function.IntFunction<String> sessionOf,
            java.util.function.Consumer<String> frames) throws InterruptedException {
        Semaphore inFlight = new Semaphore(OPEN_AT_ONCE);
        ConcurrentLinkedQueue<WebSocket> sockets = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                    .setURI("/ws/v1/sessions/" + sessionOf.apply(i) + "?interface=bench&access_token=" + key);
            Future<WebSocket> opened = client.webSocket(options);
            opened.onComplete(result -> {
                if (result.succeeded()) {
                    WebSocket socket = result.result();
                    if (frames != null) {
                        socket.textMessageHandler(frames::accept);
                    }
                    sockets.add(socket);
                } else {
                    failed.incrementAndGet();
                }
                inFlight.release();
                done.countDown();
            });
        }
        done.await(10, TimeUnit.MINUTES);
        if (failed.get() > 0) {
            System.out.printf("%,d of %,d sockets failed to open%n", failed.get(), count);
        }
        return new ArrayList<>(sockets);
    }

    /** Writes {@code count} deltas to the session's stream, as an agent does, {@code gapMs} apart. */
    private static void write(RedisServer redis, String sessionId, int count, long gapMs) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            Event event = Event.of(EventTypes.MESSAGE_DELTA, sessionId, "t_bench", Json.object().put("sent", System.nanoTime()));
            redis.call("XADD", Keys.events(sessionId), "MAXLEN", "~", "2000", "*", StreamFields.EVENT, Json.encode(event));
            Thread.sleep(gapMs);
        }
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static boolean awaitCount(AtomicInteger counter, long expected, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (counter.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return counter.get() >= expected;
    }

    private static String createSession(String base, String key) throws IOException, InterruptedException {
        HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/v1/sessions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"interface\":\"bench\",\"mode\":\"new\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.decode(response.body(), JsonNode.class).get("id").asText();
    }

    private static String metric(String base, String name) throws IOException, InterruptedException {
        double value = metricValue(base, name);
        return value < 0 ? "n/a" : String.format("%,.0f", value);
    }

    private static double metricValue(String base, String name) throws IOException, InterruptedException {
        String text = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/q/metrics"))
                .header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("^" + name + "(\\{[^}]*})? ([0-9.Ee+-]+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(2)) : -1;
    }

    /** A process's resident set (from /proc) and its heap after a full GC (jcmd). */
    private record Memory(long rss, long heap) {
        static Memory of(ServiceProcess process) throws IOException, InterruptedException {
            jcmd(process.pid(), "GC.run");
            Thread.sleep(1_000);
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd(process.pid(), "GC.heap_info"));
            return new Memory(rss, used.find() ? Long.parseLong(used.group(1)) * 1024 : 0);
        }

        private static String jcmd(long pid, String command) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid), command)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        }
    }
}
