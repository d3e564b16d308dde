package io.switchboard.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.RuntimeHealth;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The router's admin endpoint, on its own port so that scrapes and probes never queue behind ingress:
 * {@code GET /metrics} (Prometheus text), {@code GET /health} (readiness: 200 when the runtime takes events, 503 with
 * the reasons otherwise, including while it drains) and {@code GET /health/live} (200 while the process answers).
 *
 * <p>Design note: two small threads serve it. A scrape renders every meter, which is cheap next to the ingress load a
 * router carries, and an endpoint that is never busy needs no pool of its own.
 */
final class AdminServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private AdminServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code host:port} and starts serving.
     *
     * @throws IOException with a message naming the address when it cannot be bound
     */
    static AdminServer start(String host, int port, PrometheusMeterRegistry registry, Supplier<RuntimeHealth> health)
            throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new IOException("the admin endpoint cannot bind " + host + ":" + port + ": " + e.getMessage()
                    + "; choose another with --admin-port (0 = any free port)", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "switchboard-admin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> serve(exchange, () -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            return new Response(200, PROMETHEUS_TEXT, body);
        }));
        server.createContext("/health/live", exchange -> serve(exchange,
                () -> json(200, Map.of("status", "UP"))));
        server.createContext("/health", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/health")) {
                serve(exchange, AdminServer::notFound);
                return;
            }
            serve(exchange, () -> health(health.get()));
        });
        server.createContext("/", exchange -> serve(exchange, AdminServer::notFound));
        server.start();
        return new AdminServer(server, executor);
    }

    /** {@code http://host:port} of the bound endpoint. */
    URI uri() {
        InetSocketAddress address = server.getAddress();
        String host = address.getHostString();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    static Response health(RuntimeHealth h) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", h.ready() ? "UP" : "DOWN");
        body.put("state", h.state().name());
        body.put("draining", h.draining());
        body.put("sources", h.sources());
        body.put("buses", h.buses());
        body.put("problems", h.problems());
        return json(h.ready() ? 200 : 503, body);
    }

    private static Response notFound() {
        return json(404, Map.of("status", 404, "detail", "the admin endpoint serves GET /health, GET /health/live and"
                + " GET /metrics"));
    }

    private static Response json(int status, Object body) {
        try {
            return new Response(status, "application/json", JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("cannot render " + body, e);
        }
    }

    private static void serve(HttpExchange exchange, Supplier<Response> answer) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
            String method = exchange.getRequestMethod();
            Response response;
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                response = json(405, Map.of("status", 405, "detail", "the admin endpoint answers GET only"));
            } else {
                try {
                    response = answer.get();
                } catch (RuntimeException e) {
                    // answered, not thrown: the JDK server would only drop the connection
                    response = json(500, Map.of("status", 500, "detail", String.valueOf(e)));
                }
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(response.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(response.status(), response.body().length);
            exchange.getResponseBody().write(response.body());
        }
    }

    record Response(int status, String contentType, byte[] body) {
    }
}
