package io.nagatha.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The floor under a turn: how many Redis round trips one turn makes, times the round-trip time of
 * this machine's Redis (redis-benchmark, one connection, no pipelining). The count is observed, not
 * guessed: Redis's {@code MONITOR} records every command the services send while one turn runs
 * alone through gateway, session-service and agent (the fake model answering at once); commands that
 * name neither the turn's session, the turn, the user nor the turns stream are the services'
 * background (heartbeats, status, metrics, idle stream polls) and are left out. Each command is one
 * round trip on the turn's path: the services await each reply before the next step (the deltas are
 * written one after another, in order), so the count is also how many happen one after another.
 *
 * <pre>FloorBench [--short]</pre>
 */
public final class FloorBench {

    private static final Pattern LINE = Pattern.compile("^\\+(\\d+\\.\\d+) \\[\\d+ ([^\\]]+)\\] (.*)$");

    private FloorBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--short");
        try (BenchStack stack = new BenchStack(1, false, List.of("-Xmx512m"))) {
            stack.llm.replies(request -> TurnLoad.REPLY);
            HttpClient http = HttpClient.newHttpClient();
            String session = Json.decode(send(http, stack, "/api/v1/sessions", Map.of("interface", "cli", "mode", "new")), JsonNode.class)
                    .get("id").asText();
            for (int i = 0; i < (quick ? 20 : 200); i++) {
                send(http, stack, "/api/v1/sessions/" + session + "/messages?wait=30", Map.of("content", "warm-up " + i));
            }
            List<String> commands = new ArrayList<>();
            String turnId;
            try (Socket monitor = new Socket(InetAddress.getLoopbackAddress(), stack.redis.port())) {
                monitor.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8));
                in.readLine(); // +OK
                Thread reader = new Thread(() -> {
                    try {
                        for (String line = in.readLine(); line != null; line = in.readLine()) {
                            synchronized (commands) {
                                commands.add(line);
                            }
                        }
                    } catch (IOException closed) {
                        // the monitor socket was closed: the turn is over
                    }
                });
                reader.setDaemon(true);
                reader.start();
                Thread.sleep(300);
                synchronized (commands) {
                    commands.clear();
                }
                JsonNode answer = Json.decode(send(http, stack, "/api/v1/sessions/" + session + "/messages?wait=30",
                        Map.of("content", "the measured turn")), JsonNode.class);
                turnId = answer.get("turnId").asText();
                Thread.sleep(300); // the last commands of the turn (usage, acknowledgement) after the answer
            }
            String user = Json.decode(send(http, stack, "/api/v1/sessions/" + session, null), JsonNode.class).path("userId").asText("-");
            Map<String, Integer> byCommand = new TreeMap<>();
            int onPath = 0;
            int after = 0;
            int background = 0;
            boolean completed = false;
            synchronized (commands) {
                for (String line : commands) {
                    Matcher m = LINE.matcher(line);
                    if (!m.matches()) {
                        continue;
                    }
                    if (m.group(2).equals("lua")) {
                        continue; // run inside a script: part of the EVALSHA's one round trip
                    }
                    String command = m.group(3);
                    boolean ours = command.contains(session) || command.contains(turnId) || (!user.equals("-") && command.contains(user))
                            || command.contains("\"nagatha:turns\"") || command.contains("{auth}");
                    if (!ours) {
                        background++;
                        continue;
                    }
                    if (completed) {
                        after++; // bookkeeping once the reply is out (usage, acknowledgement, lease release): off the latency path
                        continue;
                    }
                    onPath++;
                    completed = command.contains("turn.completed"); // its XADD, or the script that writes it
                    String name = command.substring(1, command.indexOf('"', 1)).toUpperCase();
                    byCommand.merge(name.equals("EVALSHA") || name.equals("EVAL") ? "EVALSHA (Lua script)" : name, 1, Integer::sum);
                }
            }
            double rtt = redisRoundTrip(stack.redis.port(), quick ? 20_000 : 100_000);
            double floor = rtt * onPath;
            System.out.printf("floor: Redis round trip (redis-benchmark -c 1, PING, p50) %.3f ms × %d round trips per turn = %.2f ms%n", rtt, onPath,
                    floor);
            System.out.printf("how counted: Redis MONITOR while one turn runs alone — every command naming the turn, its session, its user, "
                    + "the turns stream or the key store, from the gateway's authentication to the XADD of turn.completed (gateway accept, "
                    + "session touch, turns stream, agent lease/context/deltas/history/finish, fan-out read); left out: %d commands after "
                    + "turn.completed (usage, acknowledgement, lease release) and %d background commands (heartbeats, status, idle polls)%n",
                    after, background);
            System.out.printf("round trips by command: %s%n", byCommand);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("date", Instant.now().toString());
            json.put("redisRoundTripMs", rtt);
            json.put("roundTripsPerTurn", onPath);
            json.put("floorMs", Math.round(floor * 1000) / 1000.0);
            json.put("byCommand", byCommand);
            json.put("afterTurnCompletedLeftOut", after);
            json.put("backgroundCommandsLeftOut", background);
            Path out = Path.of("bench/target/results/floor.json");
            Files.createDirectories(out.getParent());
            Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        }
    }

    private static String send(HttpClient http, BenchStack stack, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + stack.adminKey);
        request = body == null ? request.GET()
                : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.encode(body)));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** p50 of PING over one connection without pipelining, from redis-benchmark's CSV. */
    private static double redisRoundTrip(int port, int requests) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p", String.valueOf(port), "-c", "1", "-n",
                String.valueOf(requests), "-t", "ping", "--csv").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        for (String line : out.split("\n")) {
            if (line.startsWith("\"PING_MBULK\"")) {
                String[] f = line.replace("\"", "").split(",");
                System.out.printf("redis-benchmark PING_MBULK, 1 connection, %d requests: %s requests/s, avg %s ms, p50 %s ms, p99 %s ms%n",
                        requests, f[1], f[2], f[4], f[6]);
                return Double.parseDouble(f[4]);
            }
        }
        throw new IllegalStateException("unexpected redis-benchmark output: " + out);
    }
}
