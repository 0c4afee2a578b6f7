package io.nagatha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nagatha.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's local start, as a new user runs it: {@code ./nagatha up} brings up Redis and the
 * four services, a first message gets an answer, the CLI's commands go through the script, on a
 * terminal {@code up} ends in the chat, {@code server stop|start} run the runner,
 * {@code ./nagatha down} leaves nothing running.
 */
class LocalRunnerIT {

    private final Path root = Path.of(System.getProperty("nagatha.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path home;

    private Map<String, String> env;

    @BeforeEach
    void ports() {
        env = Map.of(
                "NAGATHA_HOME", home.toString(),
                "NAGATHA_SKIP_BUILD", "1",
                "NAGATHA_GATEWAY_PORT", String.valueOf(FreePorts.next()),
                "NAGATHA_SESSION_PORT", String.valueOf(FreePorts.next()),
                "NAGATHA_POOL_PORT", String.valueOf(FreePorts.next()),
                "NAGATHA_AGENT_PORT", String.valueOf(FreePorts.next()),
                "NAGATHA_REDIS_PORT", String.valueOf(FreePorts.next()));
    }

    @AfterEach
    void alwaysStop() throws Exception {
        run("down");
    }

    @Test
    void upAnswersAFirstMessageAndDownLeavesNoProcessBehind() throws Exception {
        Result up = run("up", "--detach");
        assertThat(up.exit()).as(up.output()).isZero();
        assertThat(up.output()).contains("Nagatha is up", "http://127.0.0.1:" + env.get("NAGATHA_GATEWAY_PORT"), "./nagatha say",
                "Admin key: " + home.resolve("credentials") + " (created now");
        assertThat(Files.readString(home.resolve("mcp-servers.json"))).contains("\"mcpServers\"");
        Path credentials = home.resolve("credentials");
        assertThat(Files.readString(credentials)).containsPattern("(?m)^NAGATHA_API_KEY=nag_admin_[A-Za-z0-9_-]{43}$");
        assertThat(Files.getPosixFilePermissions(credentials)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

        List<Long> pids = pids();
        assertThat(pids).hasSize(5); // redis and the four services
        assertThat(pids).allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

        Result answer = run("say", "Hello, Nagatha");
        assertThat(answer.exit()).as(answer.output()).isZero();
        assertThat(answer.output()).startsWith("I can't answer yet: no language model is configured");

        Result link = run("link");
        assertThat(link.exit()).as(link.output()).isZero();
        assertThat(link.output()).containsPattern("Link code: [0-9A-Z]{10} ").contains("/link code:");

        Result routed = run("sessions", "list", "--json");
        assertThat(routed.exit()).as(routed.output()).isZero();
        assertThat(routed.output()).contains("\"items\"", "\"interfaces\"");

        // On a terminal `up` ends in the chat (everything runs already, so it only attaches); leaving it leaves the stack running.
        String shell = "cd " + root + " && env XDG_CONFIG_HOME=" + home.resolve("config") + " "
                + env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "))
                + " ./nagatha up; echo \"[exited $?]\"; sleep 120";
        try (Terminal terminal = new Terminal(shell)) {
            await("the chat at the end of up").atMost(Duration.ofMinutes(2)).until(() -> terminal.screen().contains("you> "));
            assertThat(terminal.screen()).contains("Nagatha is up", "Nagatha - session ");
            terminal.type("/quit");
            terminal.press("Enter");
            await("up ended").atMost(Duration.ofSeconds(30)).until(() -> terminal.screen().contains("[exited 0]"));
            assertThat(terminal.screen()).contains("Nagatha keeps running");
        }
        assertThat(pids).allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

        // The CLI's server stop and start are the runner's down and up --detach.
        Result stopped = run("server", "stop");
        assertThat(stopped.exit()).as(stopped.output()).isZero();
        assertThat(stopped.output()).contains("Stopped.");
        assertThat(pids).noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        Result started = run("server", "start");
        assertThat(started.exit()).as(started.output()).isZero();
        assertThat(started.output()).contains("Nagatha is up");
        Result status = run("server", "status");
        assertThat(status.exit()).as(status.output()).isZero();
        assertThat(status.output()).containsPattern("gateway\\s+1\\s+");
        pids = pids();

        Result down = run("down");
        assertThat(down.exit()).as(down.output()).isZero();
        assertThat(pids).noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        for (String port : List.of("NAGATHA_GATEWAY_PORT", "NAGATHA_SESSION_PORT", "NAGATHA_POOL_PORT", "NAGATHA_AGENT_PORT",
                "NAGATHA_REDIS_PORT")) {
            assertThat(listening(Integer.parseInt(env.get(port)))).as(port).isFalse();
        }
    }

    private record Result(int exit, String output) {
    }

    private List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (var files = Files.list(home.resolve("run"))) {
            for (Path pidFile : files.toList()) {
                pids.add(Long.parseLong(Files.readString(pidFile).trim()));
            }
        }
        return pids;
    }

    private Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("nagatha").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
