package io.switchboard.core.internal.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 standing in for a function: records every request (headers, exact body, the
 * client's port, how many requests were in flight) and answers as the test's {@link Answerer} says. Each request runs
 * on its own thread, so an answer that waits does not hold up the others.
 */
final class FunctionServer implements AutoCloseable {

    /** A request as the function saw it; header names lower-case. */
    record Received(String method, String path, String protocol, Map<String, List<String>> headers, byte[] body,
                    int remotePort) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(",", values);
        }

        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A response. */
    record Answer(int status, Map<String, String> headers, byte[] body) {
        static Answer status(int status) {
            return new Answer(status, Map.of(), new byte[0]);
        }

        static Answer text(int status, String body) {
            return new Answer(status, Map.of("Content-Type", "text/plain; charset=utf-8"),
                    body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Decides the answer to a request; may wait (each request has its own thread). */
    @FunctionalInterface
    interface Answerer {
        Answer answer(Received request) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "function-server");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Answerer answerer = request -> Answer.status(202);
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    FunctionServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    FunctionServer answering(Answerer answerer) {
        this.answerer = answerer;
        return this;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    int inFlight() {
        return inFlight.get();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    /** The next request, waiting up to 10 s; fails the test if none came. */
    Received next() throws InterruptedException {
        Received r = received.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("the function received no request within 10 s");
        }
        return r;
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getProtocol(), headers, body, exchange.getRemoteAddress().getPort());
            received.add(request);
            Answer answer;
            try {
                answer = answerer.answer(request);
            } catch (Exception e) {
                answer = Answer.text(500, "answerer failed: " + e);
            }
            answer.headers().forEach(exchange.getResponseHeaders()::set);
            boolean empty = answer.body().length == 0;
            inFlight.decrementAndGet(); // before the client can see the answer and send the next request
            exchange.sendResponseHeaders(answer.status(), empty ? -1 : answer.body().length);
            if (!empty) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
