package io.switchboard.core.source.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.RequestFailedException;
import io.switchboard.api.Scheduler;
import io.switchboard.api.SourceContext;
import io.switchboard.core.internal.http.HeaderValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Routes requests to the endpoints of an {@link HttpSource} and writes every answer.
 *
 * <p>Design note: a handler never blocks on the bus or on a trigger. It reads the (bounded) body, decodes, calls
 * {@link SourceContext#emit} or {@link SourceContext#request}, and returns; the response is written when the stage
 * completes, on the source's executor (never on a bus thread). {@link #inFlight} counts exchanges not yet answered
 * so that closing can let them finish.
 */
final class IngressHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(IngressHandler.class);
    private static final Pattern TRIGGER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]{0,199}");

    private final HttpSource.Settings settings;
    private final SourceContext context;
    private final EventDecoder decoder;
    private final Authenticator auth;
    private final CallbackSender callbacks;
    private final Executor executor;
    private final IngressCounters counters;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object allAnswered = new Object();
    private volatile boolean ready = true;

    IngressHandler(HttpSource.Settings settings, SourceContext context, EventDecoder decoder, Authenticator auth,
                   CallbackSender callbacks, Executor executor, IngressCounters counters) {
        this.settings = settings;
        this.context = context;
        this.decoder = decoder;
        this.auth = auth;
        this.callbacks = callbacks;
        this.executor = executor;
        this.counters = counters;
    }

    boolean isReady() {
        return ready;
    }

    /** Stops accepting events (readiness turns 503) and reports how many exchanges are still unanswered. */
    int stopAccepting() {
        ready = false;
        return inFlight.get();
    }

    int inFlight() {
        return inFlight.get();
    }

    /**
     * Waits, after {@link #stopAccepting()}, until every exchange is answered or {@code deadlineNanos}
     * ({@link System#nanoTime()} based) has passed; returns how many are still unanswered.
     */
    int awaitAnswered(long deadlineNanos) throws InterruptedException {
        synchronized (allAnswered) {
            long left;
            while (inFlight.get() > 0 && (left = deadlineNanos - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(allAnswered, left);
            }
        }
        return inFlight.get();
    }

    /** Counts an exchange as answered; once closing, the last one wakes {@link #awaitAnswered}. */
    private void answered() {
        // only a closing source has a waiter, so open traffic never takes the monitor
        if (inFlight.decrementAndGet() == 0 && !ready) {
            synchronized (allAnswered) {
                allAnswered.notifyAll();
            }
        }
    }

    @Override
    public void handle(HttpExchange exchange) {
        inFlight.incrementAndGet();
        try {
            route(exchange);
        } catch (HttpProblem p) {
            problem(exchange, p);
        } catch (ReadTimedOut e) {
            LOG.debug("source '{}': {} {} did not send its body within {}, disconnected", settings.name(),
                    exchange.getRequestMethod(), exchange.getRequestURI(), settings.readTimeout());
            abandon(exchange, 408);
        } catch (IOException e) {
            LOG.debug("source '{}': reading a request failed: {}", settings.name(), e.toString());
            abandon(exchange, 400);
        } catch (RuntimeException e) {
            LOG.error("source '{}': unexpected failure handling {} {}", settings.name(), exchange.getRequestMethod(),
                    exchange.getRequestURI(), e);
            problem(exchange, HttpProblem.of(500, "internal-error", "Internal error", "the request could not be handled: " + e));
        }
    }

    private void route(HttpExchange exchange) throws IOException, HttpProblem {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        switch (path) {
            case "/healthz" -> health(exchange, method, true);
            case "/readyz" -> health(exchange, method, ready && context.ready()); // runtime health: RuntimeView.health()
            case "/" -> post(exchange, method, this::cloudEvents);
            case "/apis/events" -> post(exchange, method, this::webhook);
            default -> {
                if (path.startsWith("/function/")) {
                    String trigger = triggerName(path, "/function/");
                    post(exchange, method, (ex, body) -> invoke(ex, body, trigger));
                } else if (path.startsWith("/async-function/")) {
                    String trigger = triggerName(path, "/async-function/");
                    post(exchange, method, (ex, body) -> invokeAsync(ex, body, trigger));
                } else {
                    throw HttpProblem.of(404, "not-found", "Not found", "no endpoint at " + path + "; endpoints: POST /,"
                            + " POST /apis/events, POST /function/{trigger}, POST /async-function/{trigger}, GET /healthz,"
                            + " GET /readyz");
                }
            }
        }
    }

    private interface Endpoint {
        void handle(HttpExchange exchange, byte[] body) throws HttpProblem;
    }

    private void post(HttpExchange exchange, String method, Endpoint endpoint) throws IOException, HttpProblem {
        if (!"POST".equals(method)) {
            throw HttpProblem.of(405, "method-not-allowed", "Method not allowed",
                    method + " is not allowed on " + exchange.getRequestURI().getRawPath() + "; use POST").header("Allow", "POST");
        }
        if (!ready) {
            throw unavailable("the source is shutting down");
        }
        Headers headers = exchange.getRequestHeaders();
        auth.checkHeaders(headers);
        byte[] body = readBody(exchange);
        auth.checkBody(headers, body);
        endpoint.handle(exchange, body);
    }

    /** Thrown when a client did not send its body within the read timeout; its connection is closed already. */
    private static final class ReadTimedOut extends IOException {
        private static final long serialVersionUID = 1L;

        ReadTimedOut() {
            super("request body not received within the read timeout", null);
        }
    }

    private static final int READING = 0;
    private static final int READ = 1;
    private static final int TIMED_OUT = 2;

    /**
     * Reads the body under a watchdog on the runtime's scheduler: a client that stalls mid-body would otherwise hold
     * a handler thread for as long as it keeps the connection open. On time-out the exchange is closed before any
     * response was started, which makes the JDK server close the connection at once; that ends the blocked read.
     */
    private byte[] readBody(HttpExchange exchange) throws IOException, HttpProblem {
        AtomicInteger state = new AtomicInteger(READING);
        Scheduler.Cancellable watchdog = context.scheduler().schedule(settings.readTimeout(), () -> {
            if (state.compareAndSet(READING, TIMED_OUT)) {
                exchange.close();
            }
        });
        try {
            byte[] body = BoundedBody.read(exchange, settings.maxBodySize());
            if (!state.compareAndSet(READING, READ)) {
                throw new ReadTimedOut(); // the watchdog won the race and closed the connection
            }
            return body;
        } catch (IOException e) {
            if (state.get() == TIMED_OUT) {
                throw new ReadTimedOut();
            }
            throw e;
        } finally {
            watchdog.cancel();
        }
    }

    private void health(HttpExchange exchange, String method, boolean ok) throws HttpProblem {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            throw HttpProblem.of(405, "method-not-allowed", "Method not allowed", method + " is not allowed; use GET")
                    .header("Allow", "GET, HEAD");
        }
        byte[] body = (ok ? "ok\n" : "not ready\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(exchange, ok ? 200 : 503, "HEAD".equals(method) ? null : body);
    }

    private void cloudEvents(HttpExchange exchange, byte[] body) throws HttpProblem {
        List<CloudEvent> events = decoder.cloudEvents(exchange.getRequestHeaders(), body);
        settings.schemas().check("/", events);
        emitAll(exchange, events);
    }

    private void webhook(HttpExchange exchange, byte[] body) throws HttpProblem {
        List<CloudEvent> events = List.of(decoder.webhook(exchange.getRequestHeaders(), body, context.scheduler().now(), true));
        settings.schemas().check("/apis/events", events);
        emitAll(exchange, events);
    }

    /** Answers 202 once the bus accepted every event; 503 with Retry-After if it refused any. */
    private void emitAll(HttpExchange exchange, List<CloudEvent> events) {
        AtomicInteger accepted = new AtomicInteger();
        CompletableFuture<?>[] stages = new CompletableFuture<?>[events.size()];
        for (int i = 0; i < stages.length; i++) {
            stages[i] = emit(TraceHeaders.adopt(exchange.getRequestHeaders(), events.get(i))).thenRun(() -> {
                accepted.incrementAndGet();
                counters.acceptedEvents.increment();
            }).toCompletableFuture();
        }
        CompletableFuture.allOf(stages).whenCompleteAsync((ok, failure) -> {
            if (failure == null) {
                exchange.getResponseHeaders().set("X-Event-Count", Integer.toString(events.size()));
                if (events.size() == 1) {
                    exchange.getResponseHeaders().set("X-Event-Id", events.get(0).getId());
                }
                send(exchange, 202, null);
                return;
            }
            Throwable cause = unwrap(failure);
            String partial = events.size() > 1 ? " (" + accepted.get() + " of " + events.size()
                    + " events were accepted; resending the batch repeats their ids)" : "";
            if (cause instanceof PublishRejectedException) {
                problem(exchange, unavailable("the event bus refused the event: " + cause.getMessage() + partial));
            } else {
                LOG.error("source '{}': publishing failed", settings.name(), cause);
                problem(exchange, HttpProblem.of(500, "publish-failed", "Publish failed",
                        "the event bus failed to accept the event: " + cause + partial));
            }
        }, executor);
    }

    private CompletionStage<Void> emit(CloudEvent event) {
        try {
            return context.emit(event);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<CloudEvent> request(String trigger, CloudEvent event) {
        try {
            return context.request(trigger, event, settings.requestTimeout());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** {@code POST /function/{trigger}}: the trigger's reply, in binary mode, is the response. */
    private void invoke(HttpExchange exchange, byte[] body, String trigger) throws HttpProblem {
        CloudEvent event = TraceHeaders.adopt(exchange.getRequestHeaders(),
                decoder.invocation(exchange.getRequestHeaders(), body, context.scheduler().now()));
        settings.schemas().check("/function/" + trigger, List.of(event));
        request(trigger, event).whenCompleteAsync((reply, failure) -> {
            if (reply == null && (failure == null || isNoReply(failure))) {
                send(exchange, 204, null); // the handler ran and returned no event, like a void function
            } else if (failure != null) {
                problem(exchange, invocationProblem(trigger, unwrap(failure)));
            } else {
                writeReply(exchange, reply);
            }
        }, executor);
    }

    /** {@code POST /async-function/{trigger}}: 202 now, the reply POSTed to {@code X-Callback-Url} later. */
    private void invokeAsync(HttpExchange exchange, byte[] body, String trigger) throws HttpProblem {
        String callback = exchange.getRequestHeaders().getFirst("X-Callback-Url");
        URI callbackUrl = callbackUrl(callback);
        CloudEvent event = TraceHeaders.adopt(exchange.getRequestHeaders(),
                decoder.invocation(exchange.getRequestHeaders(), body, context.scheduler().now()));
        settings.schemas().check("/async-function/" + trigger, List.of(event));
        String callId = event.getId();
        request(trigger, event).whenCompleteAsync((reply, failure) -> {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("X-Call-Id", callId);
            byte[][] payload = new byte[1][];
            if (reply == null && (failure == null || isNoReply(failure))) {
                headers.put("X-Function-Status", "204");
                payload[0] = new byte[0];
            } else if (failure != null) {
                HttpProblem p = invocationProblem(trigger, unwrap(failure));
                headers.put("X-Function-Status", Integer.toString(p.status));
                headers.put("Content-Type", HttpProblem.CONTENT_TYPE);
                payload[0] = p.toJson("/async-function/" + trigger);
            } else {
                headers.put("X-Function-Status", "200");
                HttpMessageFactory.createWriter((name, value) -> headers.put(name, headerValue(name, value)),
                        bytes -> payload[0] = bytes == null ? new byte[0] : bytes).writeBinary(reply);
            }
            callbacks.send(callbackUrl, headers, payload[0]);
        }, executor);
        exchange.getResponseHeaders().set("X-Call-Id", callId);
        send(exchange, 202, null);
    }

    private URI callbackUrl(String value) throws HttpProblem {
        CallbackAllowlist allowlist = settings.callbackAllowlist();
        if (allowlist.isEmpty()) {
            throw HttpProblem.badRequest("callbacks-not-allowed", "HTTP source '" + settings.name() + "' allows no"
                    + " callback origin, so asynchronous invocations are refused; allow the origins callers may name in"
                    + " X-Callback-Url with HttpSource.Builder.allowCallbacksTo(\"https://hooks.example.com\") or the"
                    + " provider key callback.allow, or call POST /function/{trigger} synchronously");
        }
        if (value == null || value.isBlank()) {
            throw HttpProblem.badRequest("missing-callback-url",
                    "an asynchronous invocation needs an X-Callback-Url header naming where to POST the reply");
        }
        URI uri = null;
        try {
            uri = new URI(value.trim());
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        if (uri == null || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                || uri.getHost() == null) {
            throw HttpProblem.badRequest("bad-callback-url", "X-Callback-Url '" + value + "' must be an absolute http(s) URL");
        }
        if (uri.getUserInfo() != null) {
            throw HttpProblem.badRequest("bad-callback-url", "X-Callback-Url '" + value + "' must not carry user info");
        }
        if (!allowlist.allows(uri)) {
            throw HttpProblem.badRequest("callback-not-allowed", "X-Callback-Url '" + value + "' is not in the callback"
                    + " allowlist " + allowlist + " of HTTP source '" + settings.name() + "'; to allow it, add its origin ("
                    + uri.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + uri.getRawAuthority()
                    + ") with HttpSource.Builder.allowCallbacksTo or the provider key callback.allow");
        }
        return uri;
    }

    private HttpProblem invocationProblem(String trigger, Throwable cause) {
        if (cause instanceof RequestFailedException rf) {
            return switch (rf.reason()) {
                case NO_MATCH -> HttpProblem.of(404, "no-matching-trigger", "No matching trigger", "trigger '" + trigger
                        + "' does not exist or has no replying subscriber that matches the event: " + rf.getMessage());
                case SEVERAL_MATCHES -> HttpProblem.of(500, "ambiguous-reply", "Ambiguous reply", "more than one replying"
                        + " subscriber of trigger '" + trigger + "' matched, so the reply is ambiguous: " + rf.getMessage());
                case TIMEOUT -> HttpProblem.of(504, "timeout", "Gateway timeout", "trigger '" + trigger
                        + "' did not reply within " + settings.requestTimeout() + ": " + rf.getMessage());
                case HANDLER_FAILED -> HttpProblem.of(500, "handler-failed", "Handler failed", "the handler of trigger '"
                        + trigger + "' failed: " + rf.getMessage());
                case NO_REPLY -> throw new IllegalStateException("NO_REPLY is answered with 204, not a problem");
                case INVALID_DATA -> HttpProblem.of(400, "invalid-data", "Invalid event data", "trigger '" + trigger
                        + "' refused the event's data: " + rf.getMessage()).violations(
                        rf.getCause() instanceof io.switchboard.api.InvalidDataException invalid
                                ? invalid.violations() : List.of());
            };
        }
        if (cause instanceof PublishRejectedException) {
            return unavailable("trigger '" + trigger + "' refused the event: " + cause.getMessage());
        }
        LOG.error("source '{}': invoking trigger '{}' failed", settings.name(), trigger, cause);
        return HttpProblem.of(500, "invocation-failed", "Invocation failed", "invoking trigger '" + trigger + "' failed: " + cause);
    }

    private HttpProblem unavailable(String detail) {
        long seconds = Math.max(1, (settings.retryAfter().toMillis() + 999) / 1000);
        return HttpProblem.of(503, "back-pressure", "Service unavailable", detail + "; retry later")
                .header("Retry-After", Long.toString(seconds));
    }

    private static String triggerName(String path, String prefix) throws HttpProblem {
        String name = path.substring(prefix.length());
        if (!TRIGGER.matcher(name).matches()) {
            throw HttpProblem.of(404, "no-matching-trigger", "No matching trigger", "'" + name + "' is not a trigger name");
        }
        return name;
    }

    private void writeReply(HttpExchange exchange, CloudEvent reply) {
        try {
            HttpMessageFactory.createWriter((name, value) -> exchange.getResponseHeaders().set(name, headerValue(name, value)),
                    bytes -> send(exchange, 200, bytes)).writeBinary(reply);
        } catch (RuntimeException e) {
            LOG.error("source '{}': writing the reply failed", settings.name(), e);
            abandon(exchange, 500);
        }
    }

    private void problem(HttpExchange exchange, HttpProblem p) {
        p.headers.forEach(exchange.getResponseHeaders()::set);
        exchange.getResponseHeaders().set("Content-Type", HttpProblem.CONTENT_TYPE);
        send(exchange, p.status, p.toJson(exchange.getRequestURI().getRawPath()));
    }

    /** Writes the one response of an exchange and closes it; a client that went away is only logged. */
    private void send(HttpExchange exchange, int status, byte[] body) {
        counters.response(status); // before the client can see the answer, so counters never lag behind it
        try {
            boolean empty = body == null || body.length == 0;
            exchange.sendResponseHeaders(status, empty ? -1 : body.length);
            if (!empty) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            LOG.debug("source '{}': could not answer {} {}: {}", settings.name(), status, exchange.getRequestURI(), e.toString());
        } finally {
            exchange.close();
            answered();
        }
    }

    /** Ends an exchange that gets no response (the request could not be read, or writing failed). */
    private void abandon(HttpExchange exchange, int status) {
        counters.response(status);
        exchange.close();
        answered();
    }

    /** {@code ce-*} values percent-encoded as the HTTP binding requires (the SDK writes them raw). */
    private static String headerValue(String name, String value) {
        return HeaderValues.isAttribute(name) ? HeaderValues.encode(value) : value;
    }

    private static boolean isNoReply(Throwable failure) {
        return unwrap(failure) instanceof RequestFailedException rf && rf.reason() == RequestFailedException.Reason.NO_REPLY;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
