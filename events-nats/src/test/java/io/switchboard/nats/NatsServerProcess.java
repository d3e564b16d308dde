package io.switchboard.nats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A {@code nats-server} process of a test's own, on a free loopback port with its own store directory: for tests that
 * kill and restart a server, or need one without JetStream. Killed by its PID (SIGKILL), restartable on the same port
 * and store. Never touches the machine's shared server.
 */
public final class NatsServerProcess implements AutoCloseable {

    private static final String BINARY = System.getProperty("nats.server.binary", "/usr/sbin/nats-server");

    private final boolean jetStream;
    private final int port;
    private final Path store;
    private Process process;

    private NatsServerProcess(boolean jetStream) throws IOException {
        this.jetStream = jetStream;
        this.port = freePort();
        this.store = Files.createTempDirectory("switchboard-nats-");
    }

    /** Starts a server with JetStream ({@code -js}) storing in its own directory. */
    public static NatsServerProcess withJetStream() throws IOException {
        return new NatsServerProcess(true).start();
    }

    /** Starts a server without JetStream. */
    public static NatsServerProcess withoutJetStream() throws IOException {
        return new NatsServerProcess(false).start();
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** Starts (again) on the same port and store. */
    public synchronized NatsServerProcess start() throws IOException {
        List<String> command = new ArrayList<>(List.of(BINARY, "-a", "127.0.0.1", "-p", Integer.toString(port)));
        if (jetStream) {
            command.addAll(List.of("-js", "-sd", store.toString()));
        }
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(store.resolve("server-" + System.nanoTime() + ".log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("nats-server exited at start with " + process.exitValue() + "; see " + store);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        throw new IOException("nats-server did not listen on " + port + " within 20 s");
    }

    /** Kills the process with SIGKILL (no clean shutdown) and waits until it is gone. */
    public synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly(); // SIGKILL on Linux
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public synchronized void close() {
        kill();
        try (Stream<Path> files = Files.walk(store)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
