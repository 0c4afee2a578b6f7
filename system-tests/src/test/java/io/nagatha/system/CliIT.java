package io.nagatha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.FakeOpenAi.Reply;
import io.nagatha.testing.FreePorts;
import io.nagatha.testing.McpTestServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code nagatha} CLI's packaged jar, run as a process against the four packaged services on a
 * real Redis, a fake model and a real MCP server: every command, its {@code --json} parsed here,
 * the exit code of each kind of failure, and {@code connect cli} driven through a pseudo-terminal
 * (tmux): a reply that streams, a message from another interface, Ctrl-C, history, /quit.
 */
class CliIT {

    private static final Path ROOT = Path.of(System.getProperty("nagatha.root", "..")).toAbsolutePath().normalize();
    private static final Path JAR = ROOT.resolve("cli/target/nagatha-cli.jar");

    static FakeOpenAi llm;
    static NagathaProcesses nagatha;
    static String gatewayUrl;

    @TempDir
    static Path home;

    @BeforeAll
    static void start() throws Exception {
        llm = FakeOpenAi.start();
        llm.script(CliIT::answer);
        Path config = McpTestServers.writeConfig(Files.createTempDirectory("cli-it").resolve("mcp-servers.json"),
                Map.of("everything", "{\"command\":\"node\",\"args\":[" + McpTestServers.quote(McpTestServers.script("everything"))
                        + ",\"stdio\"]}"));
        nagatha = NagathaProcesses.onNewRedis()
                .configure("pool-service", Map.of("nagatha.pool.config-file", config.toString()))
                .start(Map.of("nagatha.llm.base-url", llm.baseUrl(), "nagatha.llm.api-key", "sk-test"));
        gatewayUrl = nagatha.gatewayUrl();
    }

    @AfterAll
    static void stop() {
        if (nagatha != null) {
            nagatha.close();
        }
        if (llm != null) {
            llm.close();
        }
    }

    /** What the fake model says, by the user's last message. */
    private static Reply answer(JsonNode request) {
        String said = FakeOpenAi.lastUserMessage(request);
        if (said.contains("please fail")) {
            return Reply.error(400, "invalid_request_error", "the fake model refuses this one");
        }
        if (said.contains("stream slowly")) {
            return Reply.chunks(List.of("Streaming ", "one ", "piece ", "at ", "a ", "time, ", "done.")).chunkDelay(Duration.ofMillis(700));
        }
        if (said.contains("stream very slowly")) {
            return Reply.chunks(List.of("Streaming ", "one ", "piece ", "at ", "a ", "time, ", "done.")).chunkDelay(Duration.ofSeconds(2));
        }
        if (said.contains("take forever")) {
            return Reply.chunks(List.of("This ", "will ", "never ", "finish")).chunkDelay(Duration.ofSeconds(30));
        }
        return Reply.text("You said: " + said);
    }

    @Test
    void everyCommandPrintsJsonAScriptCanRead() throws Exception {
        JsonNode created = json(cli("sessions", "new", "--title", "from the CLI", "--json"));
        String session = created.path("id").asText();
        assertThat(session).isNotBlank();
        assertThat(created.path("title").asText()).isEqualTo("from the CLI");

        JsonNode list = json(cli("sessions", "list", "--json"));
        assertThat(list.path("items").findValuesAsText("id")).contains(session);
        Result table = cli("sessions", "list");
        assertThat(table.out()).contains("ID", "TITLE", session, "from the CLI");

        JsonNode chat = json(cli("chat", "--session", session, "--json", "hello", "from", "a", "script"));
        assertThat(chat.path("ok").asBoolean()).isTrue();
        assertThat(chat.path("reply").path("content").asText()).isEqualTo("You said: hello from a script");

        JsonNode shown = json(cli("sessions", "show", session, "--json"));
        assertThat(shown.path("session").path("id").asText()).isEqualTo(session);
        assertThat(shown.path("messages").findValuesAsText("content")).contains("hello from a script", "You said: hello from a script");
        assertThat(cli("sessions", "show", session).out()).contains("turn policy", "[cli] assistant: You said: hello from a script");

        await("everything's tools in the catalogue").atMost(Duration.ofSeconds(60))
                .until(() -> json(cli("tools", "--json")).path("items").findValuesAsText("name").contains("echo"));
        assertThat(cli("tools").out()).containsPattern("everything\\s+echo");
        await("everything reported ready").atMost(Duration.ofSeconds(30)).until(() -> json(cli("mcp", "status", "--json")).path("items")
                .findParents("name").stream().anyMatch(s -> s.path("name").asText().equals("everything") && s.path("state").asText().equals("ready")));
        assertThat(cli("mcp", "status").out()).containsPattern("everything\\s+stdio\\s+ready");
        Result restart = cli("mcp", "restart", "everything");
        assertThat(restart.exit()).as(restart.err()).isZero();
        assertThat(restart.out()).contains("Restarting everything");

        JsonNode status = json(cli("server", "status", "--json"));
        assertThat(status.path("services").path("gateway")).isNotEmpty();
        assertThat(status.path("services").path("agentService")).isNotEmpty();
        assertThat(cli("server", "status").out()).contains("SERVICE", "gateway", "sessionService", "QUEUE", "turns", "MCP SERVERS");
        JsonNode sessions = json(cli("server", "sessions", "--json"));
        assertThat(sessions.path("active").asLong()).isPositive();

        JsonNode link = json(cli("link", "--json"));
        assertThat(link.path("code").asText()).matches("[0-9A-Z]{10}");
        assertThat(cli("link").out()).containsPattern("Link code: [0-9A-Z]{10} ").contains("/link code:");

        JsonNode stored = json(cli("memory", "set", "facts", "city", "Lisbon", "--json"));
        assertThat(stored.path("value").asText()).isEqualTo("Lisbon");
        json(cli("memory", "set", "facts", "visits", "3", "--json"));
        assertThat(json(cli("memory", "get", "facts", "city", "--json")).path("value").asText()).isEqualTo("Lisbon");
        assertThat(cli("memory", "get", "facts", "visits").out().strip()).isEqualTo("3");
        assertThat(json(cli("memory", "list", "facts", "--json")).path("items").findValuesAsText("key")).contains("city", "visits");
        assertThat(cli("memory", "delete", "facts", "city").exit()).isZero();
        assertThat(cli("memory", "get", "facts", "city").exit()).isEqualTo(5);

        JsonNode key = json(cli("keys", "create", "--user", "u_cli", "--name", "laptop", "--json"));
        String keyId = key.path("id").asText();
        String secret = key.path("key").asText();
        assertThat(json(cli("keys", "list", "--json")).findValuesAsText("id")).contains(keyId);
        Result asUser = cli(Map.of("NAGATHA_API_KEY", secret), "sessions", "list", "--json");
        assertThat(asUser.exit()).as(asUser.err()).isZero();
        Result forbidden = cli(Map.of("NAGATHA_API_KEY", secret), "keys", "list");
        assertThat(forbidden.exit()).isEqualTo(4);
        assertThat(forbidden.err()).contains("[forbidden]");
        assertThat(cli("keys", "revoke", keyId).exit()).isZero();
        assertThat(cli(Map.of("NAGATHA_API_KEY", secret), "sessions", "list").exit()).as("a revoked key").isEqualTo(4);

        Result ended = cli("sessions", "end", session);
        assertThat(ended.exit()).as(ended.err()).isZero();
        assertThat(json(cli("sessions", "show", session, "--json")).path("session").path("active").asBoolean()).isFalse();
    }

    @Test
    void chatStreamsTheReplyAndItsExitCodeSaysHowTheTurnEnded() throws Exception {
        Result ok = cli("chat", "--new", "stream slowly please");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("Streaming one piece at a time, done.");

        Result failed = cli("chat", "please fail");
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.out() + failed.err()).contains("turn failed", "[upstream_error]");
        JsonNode failedJson = json(cli("chat", "--json", "please fail again"), 1);
        assertThat(failedJson.path("ok").asBoolean()).isFalse();
        assertThat(failedJson.path("error").path("code").asText()).isEqualTo("upstream_error");
    }

    @Test
    void aChatStoppedWhileWaitingCancelsItsTurn() throws Exception {
        String session = json(cli("sessions", "new", "--json")).path("id").asText();
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", JAR.toString(), "chat", "--session", session, "take forever too")
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(home.resolve("cancelled-chat.txt").toFile());
        builder.environment().putAll(env(Map.of()));
        Process chat = builder.start();
        await("the turn started").atMost(Duration.ofSeconds(60)).until(() -> llm.requests().stream()
                .anyMatch(r -> FakeOpenAi.lastUserMessage(r).contains("take forever too")));
        chat.destroy(); // SIGTERM, which runs the same hook as Ctrl-C
        assertThat(chat.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(home.resolve("cancelled-chat.txt"))).contains("nagatha: cancelled"); // destroy() closes the pipes: a file

        // With the queue policy the next message would wait behind a turn that was not cancelled (minutes: 30 s a piece).
        Result next = cli("chat", "--session", session, "--wait", "60", "next one");
        assertThat(next.exit()).as(next.err()).isZero();
        assertThat(next.out()).contains("You said: next one");
    }

    @Test
    void failuresEndWithDistinctExitCodesAndReadableMessages() throws Exception {
        Result down = cli(Map.of("NAGATHA_URL", "http://127.0.0.1:" + FreePorts.next()), "sessions", "list");
        assertThat(down.exit()).isEqualTo(3);
        assertThat(down.err()).contains("cannot reach the gateway", "connection refused");
        assertThat(cli(Map.of("NAGATHA_URL", "http://127.0.0.1:" + FreePorts.next()), "chat", "hello").exit()).isEqualTo(3);

        Result badKey = cli(Map.of("NAGATHA_API_KEY", "nag_nobody_notakey"), "server", "status");
        assertThat(badKey.exit()).isEqualTo(4);
        assertThat(badKey.err()).contains("[unauthorized]").doesNotContain("Exception");

        Result unknown = cli("sessions", "show", "s_doesnotexist");
        assertThat(unknown.exit()).isEqualTo(5);
        assertThat(unknown.err()).contains("[session_not_found]");
        assertThat(cli("chat", "--session", "s_doesnotexist", "hi").exit()).isEqualTo(5);
        assertThat(cli("sessions", "end", "s_doesnotexist").exit()).isEqualTo(5);

        Result usage = cli("memory", "get", "facts");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required parameter");
        Result noSection = cli("memory", "set", "no_such_section", "k", "v");
        assertThat(noSection.exit()).isEqualTo(6);
        assertThat(noSection.err()).contains("[validation_failed]");
    }

    @Test
    void connectCliStreamsRepliesShowsOtherInterfacesAndCancelsWithCtrlC() throws Exception {
        String session = json(cli("sessions", "new", "--json")).path("id").asText();
        Path config = home.resolve("config");
        try (Terminal terminal = new Terminal(connectCommand(session))) {
            await("the prompt").atMost(Duration.ofSeconds(30)).until(() -> terminal.screen().contains("you> "));
            assertThat(terminal.screen()).contains("session " + session);

            // A reply streams: some of it is on the screen before the rest has come.
            terminal.type("stream slowly please");
            terminal.press("Enter");
            AtomicBoolean sawPart = new AtomicBoolean();
            await("the whole reply").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                String screen = terminal.screen();
                if (screen.contains("Streaming one") && !screen.contains("done.")) {
                    sawPart.set(true);
                }
                return screen.contains("Streaming one piece at a time, done.");
            });
            assertThat(sawPart).as("part of the reply shown before its end").isTrue();

            // Someone says something on another interface (here: the Discord identity's route).
            Http admin = Http.gateway(gatewayUrl, nagatha.adminKey());
            Http.Reply sent = admin.post("/api/v1/sessions/" + session + "/messages", Map.of("content", "hi from elsewhere", "interface", "discord"));
            assertThat(sent.status()).as(sent.body().toString()).isEqualTo(202);
            await("the other interface's message and its reply").atMost(Duration.ofSeconds(30)).until(() -> {
                String screen = terminal.screen();
                return screen.contains("[discord] you: hi from elsewhere") && screen.contains("[discord] nagatha: You said: hi from elsewhere");
            });

            // Ctrl-C stops waiting and cancels the turn; the chat goes on.
            terminal.type("take forever");
            terminal.press("Enter");
            // This turn's request exactly: aChatStoppedWhileWaitingCancelsItsTurn's "take forever too" (run
            // before) would match at once, and a Ctrl-C before the chat knows its turn cancels nothing.
            await("the turn started").atMost(Duration.ofSeconds(30)).until(() -> llm.requests().stream()
                    .anyMatch(r -> FakeOpenAi.lastUserMessage(r).equals("take forever")));
            terminal.press("C-c");
            await("cancelled").atMost(Duration.ofSeconds(15)).until(() -> terminal.screen().contains("(cancelled)"));
            await("the turn ended as cancelled").atMost(Duration.ofSeconds(30)).until(() -> admin.get("/api/v1/sessions/" + session + "/messages?limit=50")
                    .body().path("items").findValuesAsText("content").stream().noneMatch(c -> c.contains("This will never finish")));
            terminal.type("still here?");
            terminal.press("Enter");
            await("the next reply").atMost(Duration.ofSeconds(30)).until(() -> terminal.screen().contains("You said: still here?"));

            terminal.type("/quit");
            terminal.press("Enter");
            await("left").atMost(Duration.ofSeconds(15)).until(() -> terminal.screen().contains("[exited 0]"));
            assertThat(terminal.screen()).contains("Bye.");
        }
        assertThat(Files.readString(config.resolve("nagatha/history"))).contains("stream slowly please", "still here?");
    }

    @Test
    void connectCliReconnectsAfterTheGatewayRestartsAndCatchesUpOnTheReply() throws Exception {
        String session = json(cli("sessions", "new", "--json")).path("id").asText();
        try (Terminal terminal = new Terminal(connectCommand(session))) {
            await("the prompt").atMost(Duration.ofSeconds(30)).until(() -> terminal.screen().contains("you> "));
            terminal.type("stream very slowly");
            terminal.press("Enter");
            await("the reply started").atMost(Duration.ofSeconds(30)).until(() -> terminal.screen().contains("Streaming "));

            // The gateway goes away mid-reply; the agent goes on writing the turn's events to Redis.
            nagatha.gateway().stop();
            await("the drop noticed").atMost(Duration.ofSeconds(30)).until(() -> terminal.screen().contains("(connection to the gateway lost"));
            nagatha.restartGateway();
            await("reconnected and caught up").atMost(Duration.ofSeconds(60)).until(() -> {
                String screen = terminal.screen();
                return screen.contains("(reconnected") && screen.contains("done.");
            });
            String screen = terminal.screen();
            assertThat(screen.split("Streaming ", -1)).as("every piece shown once: " + screen).hasSize(2);
            assertThat(screen.split("piece ", -1)).as("every piece shown once: " + screen).hasSize(2);

            terminal.type("after the restart");
            terminal.press("Enter");
            await("the next reply").atMost(Duration.ofSeconds(30)).until(() -> terminal.screen().contains("You said: after the restart"));
        }
    }

    // --- running the CLI ----------------------------------------------------------------------

    record Result(int exit, String out, String err) {
    }

    private static Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("NAGATHA_URL", gatewayUrl);
        env.put("NAGATHA_API_KEY", nagatha.adminKey());
        env.put("NAGATHA_HOME", home.resolve("no-runner-home").toString());
        env.putAll(extra);
        return env;
    }

    /** {@code connect cli} on a session, its history under {@code home/config}; the shell prints its exit code. */
    private static String connectCommand(String session) throws IOException {
        Path config = Files.createDirectories(home.resolve("config"));
        return "env " + env(Map.of("XDG_CONFIG_HOME", config.toString())).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "))
                + " java -jar " + JAR + " connect cli --session " + session + "; echo \"[exited $?]\"; sleep 120";
    }

    private static Result cli(String... args) throws IOException, InterruptedException {
        return cli(Map.of(), args);
    }

    private static Result cli(Map<String, String> extra, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        builder.environment().putAll(env(extra));
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        return new Result(process.exitValue(), out, err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static JsonNode json(Result result) throws IOException {
        return json(result, 0);
    }

    private static JsonNode json(Result result, int exit) throws IOException {
        assertThat(result.exit()).as("exit code; stderr: " + result.err()).isEqualTo(exit);
        return Json.MAPPER.readTree(result.out());
    }
}
