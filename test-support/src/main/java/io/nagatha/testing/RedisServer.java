package io.nagatha.testing;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * A real {@code redis-server} on a free loopback port, without persistence, for one test JVM.
 * The binary comes from {@code $NAGATHA_REDIS_SERVER} or the PATH.
 */
public final class RedisServer implements AutoCloseable {

    private static RedisServer shared;

    private final int port;
    private final Process process;

    private RedisServer(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** The one server of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized RedisServer shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
            RedisServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "redis-server-stop"));
        }
        return shared;
    }

    public static RedisServer start() {
        try {
            return start(FreePorts.next(), Files.createTempDirectory("nagatha-redis-"), List.of("--save", "", "--appendonly", "no"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A server on {@code port} keeping its files in {@code dir}, with {@code persistence} options
     * (e.g. {@code --appendonly yes}): started again on the same port and directory after
     * {@link #kill()}, it comes back with its data.
     */
    public static RedisServer start(int port, Path dir, List<String> persistence) {
        String binary = System.getenv().getOrDefault("NAGATHA_REDIS_SERVER", "redis-server");
        Process process;
        try {
            Path log = dir.resolve("redis.log");
            List<String> command = new ArrayList<>(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--daemonize", "no", "--dir", dir.toString()));
            command.addAll(persistence);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start '" + binary + "': install Redis (Debian/Ubuntu: "
                    + "apt-get install redis-server) or point NAGATHA_REDIS_SERVER at a redis-server binary", e);
        }
        RedisServer server = new RedisServer(port, process);
        Awaitility.await("redis-server on port " + port).atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("redis-server exited with " + process.exitValue());
                    }
                    return server.ping();
                });
        return server;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Sends one inline command and returns the first line of the reply (enough for PING, FLUSHALL, …). */
    /**
     * Runs one inline command and answers its value: a status or error line as is (without its
     * type mark), an integer as text, a bulk string's content, or null for a missing value.
     */
    public String command(String inline) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || line.isEmpty()) {
                return line;
            }
            return switch (line.charAt(0)) {
                case '$' -> line.equals("$-1") ? null : in.readLine();
                case '+', ':', '-' -> line.substring(1);
                default -> line;
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends one command (each argument as a bulk string, so any text is safe) and answers the reply:
     * a String, a Long, a List of replies, or null.
     */
    public Object call(String... args) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                request.write(bytes);
                request.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            socket.getOutputStream().write(request.toByteArray());
            socket.getOutputStream().flush();
            return readReply(new DataInputStream(new BufferedInputStream(socket.getInputStream())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object readReply(DataInputStream in) throws IOException {
        char type = (char) in.readByte();
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IllegalStateException("redis: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = new byte[length];
                in.readFully(bytes);
                readLine(in);
                return new String(bytes, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(readReply(in));
                }
                return items;
            }
            default:
                throw new IllegalStateException("unexpected reply type " + type);
        }
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\r'; b = in.read()) {
            line.append((char) b);
        }
        in.read(); // the \n after \r
        return line.toString();
    }

    private boolean ping() {
        try {
            return "PONG".equals(command("PING"));
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, as when the machine or pod dies: only what is already on disk survives. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
