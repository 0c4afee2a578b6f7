package io.nagatha.system;

import static io.nagatha.system.GatewayCluster.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.nagatha.testing.FakeOpenAi;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Acceptance 5: the dashboard in real headless Chromium (Debian's chromium driven by
 * playwright-core from dashboard-test/, both installed by .ci/run): sign in, open a session, send a
 * message and see the reply stream, see a message sent over REST appear live, and the sessions,
 * MCP and status pages. Screenshots are kept in system-tests/target/dashboard/. Without Chromium
 * or the node packages this test fails: it never skips.
 */
@ExtendWith(GatewayCluster.Extension.class)
class DashboardIT {

    private static final Path ROOT = Path.of(System.getProperty("nagatha.root", "..")).toAbsolutePath().normalize();
    private static final Path CHROMIUM = Path.of(System.getProperty("nagatha.chromium", "/usr/bin/chromium"));
    private static final Path ARTIFACTS = Path.of("target", "dashboard").toAbsolutePath();

    private final GatewayCluster cluster = GatewayCluster.get();

    @AfterEach
    void everyReplyEchoesAgain() {
        cluster.llm.replies(FakeOpenAi::echoReply);
    }

    @Test
    void aPersonSignsInChatsAndWatchesTheSystem() throws IOException, InterruptedException {
        assertThat(CHROMIUM).as("Debian's chromium (apt-get install chromium; .ci/run installs it)").isExecutable();
        Path script = ROOT.resolve("dashboard-test/dashboard.mjs");
        assertThat(ROOT.resolve("dashboard-test/node_modules/playwright-core")).as("cd dashboard-test && npm ci").isDirectory();

        // A long reply, so that it streams in several deltas the browser can be seen rendering.
        String longReply = "Streaming reply: " + IntStream.range(0, 2000).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
        // Paced like a model (a token every millisecond or so), not 2,000 events in one burst: such a
        // burst can be cut by Quarkus's SSE client between events and lost (quarkusio/quarkus#37601),
        // a limit docs/architecture.md describes.
        cluster.llm.script(request -> FakeOpenAi.lastUserMessage(request).contains("please stream a long answer")
                ? FakeOpenAi.Reply.text(longReply).chunkDelay(Duration.ofMillis(1))
                : FakeOpenAi.Reply.text(FakeOpenAi.echoReply(request)));
        // The dashboard's user is an admin of their own install, and has called a tool once (for the usage table).
        String userId = "u_dashboard_" + System.nanoTime();
        String key = as(cluster.a, cluster.adminKey()).contentType(ContentType.JSON)
                .body(Map.of("userId", userId, "name", "dashboard", "admin", true)).post("/api/v1/keys")
                .then().statusCode(201).extract().path("key");
        as(cluster.a, key).contentType(ContentType.JSON).body(Map.of("arguments", Map.of("message", "from the dashboard test")))
                .post("/api/v1/tools/everything/echo/calls").then().statusCode(200);

        if (Files.isDirectory(ARTIFACTS)) {
            try (var old = Files.list(ARTIFACTS)) {
                old.forEach(file -> file.toFile().delete()); // screenshots of an earlier run must not pass for this one's
            }
        }
        Files.createDirectories(ARTIFACTS);
        Path output = ARTIFACTS.resolve("dashboard-test.log");
        ProcessBuilder node = new ProcessBuilder("node", script.toString()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        node.environment().putAll(Map.of("GATEWAY_URL", cluster.a, "API_KEY", key, "ARTIFACTS", ARTIFACTS.toString(),
                "CHROMIUM", CHROMIUM.toString()));
        Process process = node.start();
        boolean finished = process.waitFor(180, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);
        System.out.println(log);
        assertThat(finished).as("the browser run finished in time:\n" + log).isTrue();
        assertThat(process.exitValue()).as("the browser run passed:\n" + log).isZero();
        assertThat(log).contains("dashboard: all checks passed");
        for (String shot : new String[] {"dashboard-chat.png", "dashboard-live.png", "dashboard-sessions.png", "dashboard-mcp.png",
                "dashboard-status.png"}) {
            assertThat(ARTIFACTS.resolve(shot)).as(shot).isNotEmptyFile();
        }
    }
}
