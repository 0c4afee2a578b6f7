package io.nagatha.chaos;

import io.nagatha.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a Kubernetes Service does for the replicas of session-service, on loopback: a TCP proxy that
 * spreads connections round-robin over the replicas' ports and skips one that refuses the
 * connection (a dead replica). Connections already open to a replica that dies break, as they
 * would in a cluster; the gateway's clients open new ones.
 */
final class Balancer implements AutoCloseable {

    private final List<Integer> backends;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "balancer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger next = new AtomicInteger();

    Balancer(List<Integer> backends) {
        this.backends = List.copyOf(backends);
        try {
            server = new ServerSocket(FreePorts.next(), 512, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(this::accept);
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> forward(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void forward(Socket client) {
        int start = Math.floorMod(next.getAndIncrement(), backends.size());
        for (int i = 0; i < backends.size(); i++) {
            int port = backends.get((start + i) % backends.size());
            Socket backend = new Socket();
            try {
                backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            } catch (IOException refused) {
                closeQuietly(backend);
                continue;
            }
            threads.execute(() -> pipe(backend, client));
            pipe(client, backend);
            return;
        }
        closeQuietly(client);
    }

    private static void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException broken) {
            // One side went away: end both, as a proxy would.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        threads.shutdownNow();
    }
}
