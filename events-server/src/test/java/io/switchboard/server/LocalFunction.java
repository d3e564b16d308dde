package io.switchboard.server;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP function on 127.0.0.1 for the router to deliver to: records the {@code ce-id} of every request and answers
 * 200. While {@link #hold()} is in force, requests wait (up to a minute) before they are answered, so a test can have
 * deliveries in flight when it stops the router.
 */
final class LocalFunction implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<String> ids = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    LocalFunction() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                in.transferTo(OutputStream.nullOutputStream());
                String id = exchange.getRequestHeaders().getFirst("ce-id");
                waiting.incrementAndGet();
                try {
                    gate.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    waiting.decrementAndGet();
                }
                if (id != null) {
                    ids.add(id);
                    counts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                }
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** From now on requests wait until {@link #release()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        gate.countDown();
    }

    /** Requests received and not answered yet. */
    int waiting() {
        return waiting.get();
    }

    /** The {@code ce-id}s answered, in order, with repeats. */
    List<String> received() {
        return List.copyOf(ids);
    }

    /** How often the event with {@code id} was answered. */
    int timesReceived(String id) {
        AtomicInteger n = counts.get(id);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
