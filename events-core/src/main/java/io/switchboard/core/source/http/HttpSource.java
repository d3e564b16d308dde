package io.switchboard.core.source.http;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventSource;
import io.switchboard.api.SourceContext;
import io.switchboard.core.source.support.SourceNames;
import io.switchboard.core.time.Schedulers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * HTTP ingress: an event source that accepts CloudEvents and webhooks over HTTP (JDK {@code com.sun.net.httpserver},
 * no extra server), and invokes triggers synchronously or asynchronously, as OpenFaaS's gateway does.
 *
 * <pre>{@code
 * HttpSource webhooks = HttpSource.builder("webhooks")
 *     .port(8080)                           // default; 0 picks a free port, see port() after start
 *     .bearerToken(System.getenv("WEBHOOK_TOKEN"))
 *     .build();
 * }</pre>
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code POST /}</td><td>CloudEvents HTTP binding: binary, structured ({@code application/cloudevents+json})
 *       or batched ({@code application/cloudevents-batch+json}); 202 once the bus accepted every event</td></tr>
 *   <tr><td>{@code POST /apis/events}</td><td>plain webhook: body = data, {@code X-Event-Type} (required),
 *       {@code X-Event-Source}, {@code X-Event-Id}, {@code X-Event-Subject}, {@code Content-Type},
 *       {@code X-Event-Webhook-Url} (carried as extension {@code webhookurl})</td></tr>
 *   <tr><td>{@code POST /function/{trigger}}</td><td>runs the trigger and answers with its reply event (binary mode)</td></tr>
 *   <tr><td>{@code POST /async-function/{trigger}}</td><td>202 at once; the reply is POSTed to {@code X-Callback-Url}</td></tr>
 *   <tr><td>{@code GET /healthz}, {@code GET /readyz}</td><td>liveness; readiness (started and not closing)</td></tr>
 * </table>
 *
 * <p>Errors are {@code application/problem+json} (RFC 9457): 400 malformed event, 401 failed authentication, 404,
 * 405, 413 body above {@link Builder#maxBodySize}, 415 unsupported content, 503 with {@code Retry-After} when the bus
 * refuses events (back-pressure) or the source is closing, 504 when an invocation times out. See
 * {@code docs/sources.md}.
 *
 * <p>Thread-safe. Requests are handled on virtual threads when the JVM has them, otherwise on a bounded pool (or on
 * the executor given to the builder); no handler blocks on the bus or on a trigger.
 */
public final class HttpSource implements EventSource {

    private static final Logger LOG = LoggerFactory.getLogger(HttpSource.class);

    static {
        // before any server of this library exists: the JDK server reads the property once (see JdkServerTuning)
        JdkServerTuning.preferNoDelay();
    }

    /** Default limit of a request body: 1 MiB. */
    public static final long DEFAULT_MAX_BODY_SIZE = 1 << 20;

    private final Settings settings;
    private final Executor userExecutor;
    private final IngressCounters counters = new IngressCounters();

    // written under the start/close lock, read without it so that probes and port() never wait for a closing drain
    private volatile HttpServer server;
    private volatile IngressHandler handler;
    private ExecutorService ownExecutor;

    private HttpSource(Settings settings, Executor userExecutor) {
        this.settings = settings;
        this.userExecutor = userExecutor;
    }

    /** Starts a builder; {@code name} is also the bus topic the source's events go to. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public String name() {
        return settings.name();
    }

    /**
     * Binds the port and starts serving.
     *
     * @throws IOException if the address cannot be bound (e.g. the port is in use)
     * @throws IllegalStateException if the source was already started
     */
    @Override
    public synchronized void start(SourceContext context) throws IOException {
        Objects.requireNonNull(context, "context");
        if (server != null) {
            throw new IllegalStateException("HTTP source '" + name() + "' is already started");
        }
        Executor executor = userExecutor != null ? userExecutor : (ownExecutor = defaultExecutor(name()));
        // never follow a redirect: the answer to a callback could otherwise send the POST outside the allowlist
        HttpClient client = HttpClient.newBuilder().executor(executor).connectTimeout(settings.callbackTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        CallbackSender callbacks = new CallbackSender(client, context.scheduler(), settings.callbackAttempts(),
                settings.callbackBackoff(), settings.callbackMaxBackoff(), settings.callbackTimeout(), counters, name());
        EventDecoder decoder = new EventDecoder(URI.create("urn:switchboard:http:" + name()), settings.maxBatchEvents());
        IngressHandler ingress = new IngressHandler(settings, context, decoder, settings.authenticator(), callbacks,
                executor, counters);
        HttpServer bound;
        try {
            bound = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
        } catch (IOException e) {
            shutdownOwnExecutor();
            throw new IOException("HTTP source '" + name() + "' cannot bind " + settings.host() + ":" + settings.port()
                    + ": " + e.getMessage() + "; choose another port (0 = any free port)", e);
        }
        bound.setExecutor(executor);
        bound.createContext("/", ingress);
        bound.start();
        handler = ingress;
        server = bound;
        LOG.info("source '{}': listening on http://{}:{}", name(), settings.host(), port());
    }

    /**
     * Stops accepting (readiness turns 503, new events get 503), lets in-flight requests finish for up to the
     * shutdown grace period, then stops the server and releases its threads. Callbacks still being retried are
     * abandoned. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
        handler.stopAccepting();
        try {
            handler.awaitAnswered(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (handler.inFlight() > 0) {
            LOG.warn("source '{}': closing with {} request(s) unanswered after {}", name(), handler.inFlight(),
                    settings.shutdownGrace());
        }
        server.stop(0);
        server = null;
        shutdownOwnExecutor();
    }

    /**
     * The bound port (the chosen one when configured with port 0).
     *
     * @throws IllegalStateException if the source is not started
     */
    public int port() {
        HttpServer server = this.server;
        if (server == null) {
            throw new IllegalStateException("HTTP source '" + name() + "' is not started; its port is known after start");
        }
        return server.getAddress().getPort();
    }

    /** {@code http://host:port} of the started source. */
    public URI baseUri() {
        return URI.create("http://" + (settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host())
                + ":" + port());
    }

    /** Started and not closing: what {@code GET /readyz} reports. */
    public boolean isReady() {
        IngressHandler handler = this.handler;
        return server != null && handler != null && handler.isReady();
    }

    /** A snapshot of the counters. */
    public Stats stats() {
        return counters.snapshot();
    }

    @Override
    public String toString() {
        return "HttpSource[" + name() + ", " + settings.host() + ":" + settings.port() + "]";
    }

    private void shutdownOwnExecutor() {
        if (ownExecutor != null) {
            ownExecutor.shutdown();
            ownExecutor = null;
        }
    }

    /** Virtual threads when the JVM has them (21+), else a bounded pool that makes the acceptor wait when full. */
    private static ExecutorService defaultExecutor(String name) {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(1024), Schedulers.daemonThreads("switchboard-http-" + name),
                    new ThreadPoolExecutor.CallerRunsPolicy());
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }
    }

    /**
     * Counters of an HTTP source since it was built.
     *
     * @param acceptedEvents     events the bus accepted (each answered by a 202; a batch counts each of its events)
     * @param rejectedByStatus   responses with status 400 and above, by status
     * @param responsesByStatus  all responses, by status
     * @param callbacksDelivered asynchronous-invocation callbacks answered with 2xx
     * @param callbacksRetried   callback attempts that failed and were retried
     * @param callbacksFailed    callbacks given up after their last attempt
     */
    public record Stats(long acceptedEvents, Map<Integer, Long> rejectedByStatus, Map<Integer, Long> responsesByStatus,
                        long callbacksDelivered, long callbacksRetried, long callbacksFailed) {
        /** Responses with {@code status} so far. */
        public long responses(int status) {
            return responsesByStatus.getOrDefault(status, 0L);
        }
    }

    /** Validated settings shared by the source's parts. */
    record Settings(String name, String host, int port, long maxBodySize, int maxBatchEvents, Duration requestTimeout,
                    Duration retryAfter, Duration shutdownGrace, String bearerToken, byte[] hmacSecret,
                    String signatureHeader, int callbackAttempts, Duration callbackBackoff, Duration callbackMaxBackoff,
                    Duration callbackTimeout, CallbackAllowlist callbackAllowlist, Duration readTimeout,
                    RouteSchemas schemas) {
        Authenticator authenticator() {
            return new Authenticator(bearerToken, hmacSecret, signatureHeader);
        }
    }

    /** Builds an {@link HttpSource}; each setter checks its argument. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private String host = "127.0.0.1";
        private int port = 8080;
        private long maxBodySize = DEFAULT_MAX_BODY_SIZE;
        private int maxBatchEvents = 1000;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration retryAfter = Duration.ofSeconds(1);
        private Duration shutdownGrace = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(30);
        private String bearerToken;
        private byte[] hmacSecret;
        private String signatureHeader = "X-Signature-256";
        private int callbackAttempts = 5;
        private Duration callbackBackoff = Duration.ofSeconds(1);
        private Duration callbackMaxBackoff = Duration.ofSeconds(30);
        private Duration callbackTimeout = Duration.ofSeconds(10);
        private final List<String> callbackOrigins = new ArrayList<>();
        private Executor executor;
        private final Map<String, io.switchboard.api.JsonSchema> schemas = new java.util.LinkedHashMap<>();

        private Builder(String name) {
            this.name = SourceNames.check(name);
        }

        /** The address to bind; default {@code 127.0.0.1} (loopback only). Use {@code 0.0.0.0} deliberately. */
        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new ConfigurationException("host of HTTP source '" + name + "' is blank: e.g. 127.0.0.1");
            }
            this.host = host.trim();
            return this;
        }

        /** The port; default 8080; 0 binds any free port (read it with {@link HttpSource#port()} after start). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new ConfigurationException("port of HTTP source '" + name + "' must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The largest request body accepted; larger ones get 413 without being read. Default 1 MiB. */
        public Builder maxBodySize(long bytes) {
            if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
                throw new ConfigurationException("maxBodySize of HTTP source '" + name + "' must be between 1 and "
                        + (Integer.MAX_VALUE - 8) + " bytes, got " + bytes);
            }
            this.maxBodySize = bytes;
            return this;
        }

        /** The most events one batched request may carry; default 1000. */
        public Builder maxBatchEvents(int events) {
            if (events < 1) {
                throw new ConfigurationException("maxBatchEvents of HTTP source '" + name + "' must be at least 1, got " + events);
            }
            this.maxBatchEvents = events;
            return this;
        }

        /** How long {@code /function} and {@code /async-function} wait for a trigger's reply; default 30 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive("requestTimeout", timeout);
            return this;
        }

        /**
         * How long reading one request body may take; a client that sends its body slower is disconnected (counted
         * as a 408 in {@link HttpSource#stats()}), so slow or stalled clients cannot hold handler threads. Default
         * 30 s. Request lines and headers are read by the JDK server before the source sees the request; bound
         * those with the JDK's {@code -Dsun.net.httpserver.maxReqTime=<seconds>}.
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive("readTimeout", timeout);
            return this;
        }

        /** The {@code Retry-After} sent with 503 answers; default 1 s (rounded up to whole seconds). */
        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = positive("retryAfter", retryAfter);
            return this;
        }

        /** How long {@link HttpSource#close()} lets unanswered requests finish; default 5 s. */
        public Builder shutdownGrace(Duration grace) {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new ConfigurationException("shutdownGrace of HTTP source '" + name + "' must not be negative");
            }
            this.shutdownGrace = grace;
            return this;
        }

        /** Require {@code Authorization: Bearer <token>} on every POST. */
        public Builder bearerToken(String token) {
            Objects.requireNonNull(token, "token");
            if (token.isBlank()) {
                throw new ConfigurationException("bearer token of HTTP source '" + name + "' is blank: give a secret token");
            }
            this.bearerToken = token;
            return this;
        }

        /** Require an HMAC-SHA256 signature of the body in {@code X-Signature-256: sha256=<hex>} on every POST. */
        public Builder hmacSha256(String secret) {
            return hmacSha256(Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8), "X-Signature-256");
        }

        /** Require an HMAC-SHA256 signature of the body in {@code <header>: sha256=<hex>} (the prefix is optional). */
        public Builder hmacSha256(byte[] secret, String header) {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(header, "header");
            if (secret.length == 0) {
                throw new ConfigurationException("HMAC secret of HTTP source '" + name + "' is empty: give a secret key");
            }
            if (header.isBlank()) {
                throw new ConfigurationException("signature header of HTTP source '" + name + "' is blank: e.g. X-Signature-256");
            }
            this.hmacSecret = secret.clone();
            this.signatureHeader = header.trim();
            return this;
        }

        /** Callback delivery of {@code /async-function}: attempts in all, first and largest backoff. Default 5, 1 s, 30 s. */
        public Builder callbackRetries(int attempts, Duration initialBackoff, Duration maxBackoff) {
            if (attempts < 1) {
                throw new ConfigurationException("callback attempts of HTTP source '" + name + "' must be at least 1, got " + attempts);
            }
            positive("initialBackoff", initialBackoff);
            if (positive("maxBackoff", maxBackoff).compareTo(initialBackoff) < 0) {
                throw new ConfigurationException("callback maxBackoff " + maxBackoff + " of HTTP source '" + name
                        + "' is shorter than initialBackoff " + initialBackoff);
            }
            this.callbackAttempts = attempts;
            this.callbackBackoff = initialBackoff;
            this.callbackMaxBackoff = maxBackoff;
            return this;
        }

        /** Connect and response timeout of one callback attempt; default 10 s. */
        public Builder callbackTimeout(Duration timeout) {
            this.callbackTimeout = positive("callbackTimeout", timeout);
            return this;
        }

        /**
         * Allows {@code POST /async-function} callers to name these origins in {@code X-Callback-Url}; adds to the
         * origins of earlier calls. Without any, every asynchronous invocation is refused with 400, so that a caller
         * cannot make the server POST to internal addresses. An origin is {@code scheme://host[:port]}: {@code http}
         * or {@code https}; a host, or {@code *.example.com} for its subdomains; a port, {@code *} for any, or none for
         * the scheme's default. Redirects answered to a callback are never followed.
         *
         * <pre>{@code builder.allowCallbacksTo("https://hooks.example.com", "https://*.partner.example", "http://127.0.0.1:*")}</pre>
         */
        public Builder allowCallbacksTo(String... origins) {
            Objects.requireNonNull(origins, "origins");
            List<String> entries = Arrays.asList(origins);
            CallbackAllowlist.of(name, entries); // checks every entry now, where the mistake was made
            callbackOrigins.addAll(entries);
            return this;
        }

        /**
         * Requires the data of every event a route receives to satisfy {@code schema} (a JSON Schema, compiled when
         * the source is built). A request with an event whose data does not validate is answered 400
         * {@code application/problem+json} with a {@code violations} list ({@code path}, {@code message}), and none
         * of its events is published.
         *
         * @param path the route: {@code /}, {@code /apis/events}, {@code /function/{trigger}} or
         *             {@code /async-function/{trigger}} (with the trigger's name)
         * @throws ConfigurationException if {@code path} is not such a route or already has a schema
         */
        public Builder schema(String path, io.switchboard.api.JsonSchema schema) {
            Objects.requireNonNull(schema, "schema");
            RouteSchemas.checkPath(name, path);
            if (schemas.putIfAbsent(path, schema) != null) {
                throw new ConfigurationException("HTTP source '" + name + "' route " + path + " already has a schema ("
                        + schemas.get(path) + "): set it once");
            }
            return this;
        }

        /**
         * Handle requests on this executor instead of the default (virtual threads, or a bounded pool on Java 17).
         * The caller owns it and shuts it down after closing the source.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        public HttpSource build() {
            return new HttpSource(new Settings(name, host, port, maxBodySize, maxBatchEvents, requestTimeout, retryAfter,
                    shutdownGrace, bearerToken, hmacSecret, signatureHeader, callbackAttempts, callbackBackoff,
                    callbackMaxBackoff, callbackTimeout, CallbackAllowlist.of(name, callbackOrigins), readTimeout,
                    RouteSchemas.compile(name, schemas, maxBodySize)), executor);
        }

        private Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isZero() || d.isNegative()) {
                throw new ConfigurationException(what + " of HTTP source '" + name + "' must be positive, got " + d);
            }
            return d;
        }
    }
}
