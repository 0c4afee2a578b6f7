package io.nagatha.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Turns through the whole system: N concurrent sessions, each a client that posts a message with
 * {@code ?wait=} and waits for the reply before it posts the next, against packaged gateway,
 * session-service and agent processes on one Redis and a fake model that answers at once with a
 * fixed streamed reply (20 chunks). Prints turns/s, end-to-end latency (POST to the reply in the
 * 200 response), and the overhead: end to end minus the time the fake model took for that turn.
 */
public final class TurnBench {

    private static final int[] SESSIONS = {1, 8, 32};
    private static final String REPLY = "This is the benchmark's fixed reply, streamed in twenty small chunks of text to the agent.";

    private TurnBench() {
    }

    public static void main(String[] args) throws Exception {
        int turns = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int agents = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        System.out.printf("turns through gateway -> turns stream -> agent -> fake model (instant, %d chunks) -> events -> gateway;%n"
                + "%d turns per row after %d warm-up turns; %d agent replica(s), 32 workers each; every client waits for its reply%n%n",
                FakeOpenAi.chunks(REPLY).size(), turns, warmUp, agents);
        System.out.printf("%8s %7s %8s %10s %10s %13s %13s %11s%n", "sessions", "turns", "turns/s", "e2e p50", "e2e p99",
                "overhead p50", "overhead p99", "model p50");
        try (BenchStack stack = new BenchStack(agents, false, ServiceProcess.TEST_JVM)) {
            stack.llm.replies(request -> REPLY);
            Client client = new Client(stack.gatewayUrl, stack.adminKey);
            row(client, stack.llm, 8, warmUp, "warm-up");
            for (int sessions : SESSIONS) {
                row(client, stack.llm, sessions, turns, null);
            }
        }
    }

    /** One row: {@code sessions} clients in parallel, {@code turns} turns in all. */
    private static void row(Client client, FakeOpenAi llm, int sessions, int turns, String label) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            ids.add(client.post("/api/v1/sessions", Map.of("interface", "cli", "mode", "new")).get("id").asText());
        }
        Map<String, Long> e2e = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        String row = label != null ? label : "s" + sessions;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        long started = System.nanoTime();
        List<Future<?>> clients = new ArrayList<>();
        for (String session : ids) {
            clients.add(pool.submit(() -> {
                for (int n = next.getAndIncrement(); n < turns; n = next.getAndIncrement()) {
                    String content = row + " turn " + n;
                    long t0 = System.nanoTime();
                    JsonNode answer = client.post("/api/v1/sessions/" + session + "/messages?wait=60", Map.of("content", content));
                    if (!REPLY.equals(answer.at("/reply/content").asText())) {
                        throw new IllegalStateException("unexpected answer to '" + content + "': " + answer);
                    }
                    e2e.put(content, System.nanoTime() - t0);
                }
                return null;
            }));
        }
        for (Future<?> c : clients) {
            c.get();
        }
        long wall = System.nanoTime() - started;
        pool.shutdown();
        if (label != null) {
            return;
        }
        Map<String, Long> model = new HashMap<>();
        List<JsonNode> requests = llm.requests();
        for (int i = 0; i < requests.size(); i++) {
            Long served = llm.servedNanos(i);
            if (served != null) {
                model.put(FakeOpenAi.lastUserMessage(requests.get(i)), served);
            }
        }
        Histogram total = histogram();
        Histogram overhead = histogram();
        Histogram fake = histogram();
        e2e.forEach((content, nanos) -> {
            long m = model.getOrDefault(content, 0L);
            total.recordValue(Math.max(1, nanos / 1000));
            overhead.recordValue(Math.max(1, (nanos - m) / 1000));
            fake.recordValue(Math.max(1, m / 1000));
        });
        System.out.printf("%8d %7d %8.0f %7.2f ms %7.2f ms %10.2f ms %10.2f ms %8.2f ms%n", sessions, total.getTotalCount(),
                total.getTotalCount() / (wall / 1e9), ms(total, 50), ms(total, 99), ms(overhead, 50), ms(overhead, 99), ms(fake, 50));
    }

    private static Histogram histogram() {
        return new Histogram(Duration.ofMinutes(2).toNanos() / 1000, 3);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** JSON over HTTP with the admin key. */
    private record Client(String base, String key) {

        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        JsonNode post(String path, Object body) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.encode(body))).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
            }
            return Json.decode(response.body(), JsonNode.class);
        }
    }
}
