package io.switchboard.server;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The router as a child process of the test: {@code java -cp <test class path> io.switchboard.server.Main …}, with
 * its standard output and error collected line by line. {@link #close()} kills it if it is still running: a test
 * never leaves one behind.
 */
final class RouterProcess implements AutoCloseable {

    private static final Pattern ADMIN = Pattern.compile("^\\s+admin\\s+(http://\\S+)");

    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    private RouterProcess(Process process) {
        this.process = process;
        this.outReader = pump(process.getInputStream(), out, "router-stdout");
        this.errReader = pump(process.getErrorStream(), err, "router-stderr");
    }

    /** Starts the router with {@code args} (the file and flags) and {@code env} added to the environment. */
    static RouterProcess start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1"); // a short-lived test process: start fast, no peak speed needed
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        return new RouterProcess(pb.start());
    }

    private static Thread pump(InputStream stream, List<String> lines, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process went away
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits for the banner's admin line and then for {@code GET /health} to answer 200. */
    URI awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI admin = URI.create(awaitLine(ADMIN, deadline).group(1));
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(admin.resolve("/health")).timeout(Duration.ofSeconds(5)).build();
        Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        try {
            Awaitility.await("router ready: GET /health answers 200").atMost(left).pollInterval(Duration.ofMillis(50))
                    .until(() -> client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("router not ready in " + timeout + "\n" + output(), e);
        }
        return admin;
    }

    /** The bound URL of HTTP source {@code name}, from the banner. */
    URI sourceUri(String name, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Pattern p = Pattern.compile("^\\s+" + Pattern.quote(name) + "\\s+http\\s+(http://\\S+)");
        return URI.create(awaitLine(p, deadline).group(1));
    }

    private Matcher awaitLine(Pattern pattern, long deadline) throws InterruptedException {
        int seen = 0;
        synchronized (out) {
            while (true) {
                for (; seen < out.size(); seen++) {
                    Matcher m = pattern.matcher(out.get(seen));
                    if (m.find()) {
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !outReader.isAlive()) {
                    throw new AssertionError("no line matching " + pattern + " from the router\n" + output());
                }
                out.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 100_000_000L))));
            }
        }
    }

    /**
     * Sends SIGTERM. Through the process handle: {@link Process#destroy()} sends the same signal but also closes our
     * ends of the child's output pipes, which would lose everything it logs while it drains.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the process to exit and for its output to be read; returns the exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("router still running after " + timeout + "\n" + output());
        }
        outReader.join(5_000);
        errReader.join(5_000);
        return process.exitValue();
    }

    String stdout() {
        synchronized (out) {
            return String.join("\n", out);
        }
    }

    String stderr() {
        synchronized (err) {
            return String.join("\n", err);
        }
    }

    String output() {
        return "--- router stdout ---\n" + stdout() + "\n--- router stderr ---\n" + stderr();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
