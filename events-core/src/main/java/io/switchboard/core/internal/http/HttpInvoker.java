package io.switchboard.core.internal.http;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Firing;
import io.switchboard.api.HttpTarget;
import io.switchboard.api.NonRetryableException;
import io.switchboard.api.Scheduler;
import io.switchboard.api.Sink;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * One attempt of an HTTP sink: sends the firing's event(s) to the target's URL and turns the response into the
 * attempt's outcome — a 2xx completes it (with the reply event, if the response is a CloudEvent); 408, 429, 5xx, a
 * timeout or an I/O failure fail it with a retryable {@link HttpSinkException}; any other status fails it with a
 * {@link NonRetryableException}. Either message names the URL, the status and an excerpt of the response body, and
 * becomes the dead letter's {@code dlerror}.
 *
 * <p>With a {@link HttpTarget#replyTopic()}, the reply is published there before the attempt completes; a refused
 * publish fails the attempt (retryably).
 *
 * <p>Design note: nothing blocks. The request goes out with {@link HttpClient#sendAsync}; the outcome is computed on
 * the client's executor, without waiting for the common pool (see {@link ResponseBody}). The attempt is bounded twice:
 * by the request timeout (the client aborts the exchange) and by the same duration over the whole exchange, body
 * included, on the runtime's {@link Scheduler}, after which the exchange is cancelled. Retries, the
 * attempt timeout of the delivery policy and dead letters are the delivery pipeline's, as for any handler sink.
 * Thread-safe and stateless across attempts.
 */
final class HttpInvoker implements Sink.Invoker {

    /** Largest response body read as a reply; a larger reply fails the attempt (it cannot be returned whole). */
    static final int REPLY_LIMIT = 4 * 1024 * 1024;
    /** Bytes of an unsuccessful response read for the error excerpt. */
    static final int EXCERPT_BYTES = 1024;
    /** Characters of the excerpt kept in the error message. */
    static final int EXCERPT_CHARS = 256;

    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";

    private final HttpClient client;
    private final HttpTarget target;
    private final String owner;
    private final List<String> inputOrder;
    private final SecretKeySpec hmacKey;
    /** {@code HTTP/1.1} for {@code http://} URLs; {@code null} (the client's HTTP/2 via ALPN) for {@code https://}. */
    private final HttpClient.Version version;
    private final String where;
    private final HttpSinks.ReplyPublisher replies;
    private final Scheduler scheduler;

    /**
     * @param owner      names the subscriber in messages
     * @param inputOrder the trigger's input names in declaration order: the order of a correlated firing's events
     * @param replies    publishes replies when the target has a reply topic
     * @param scheduler  the runtime's time, on which the whole exchange is bounded
     */
    HttpInvoker(HttpClient client, HttpTarget target, String owner, List<String> inputOrder,
                HttpSinks.ReplyPublisher replies, Scheduler scheduler) {
        this.client = client;
        this.target = target;
        this.owner = owner;
        this.inputOrder = List.copyOf(inputOrder);
        byte[] secret = target.hmacSecret();
        this.hmacKey = secret == null ? null : new SecretKeySpec(secret, "HmacSHA256");
        // Plain http:// stays on HTTP/1.1: asking for HTTP/2 there makes the JDK client try an h2c upgrade on each new
        // connection, which many function servers mishandle; keep-alive gives the reuse.
        this.version = "http".equalsIgnoreCase(target.uri().getScheme()) ? HttpClient.Version.HTTP_1_1 : null;
        this.where = "HTTP sink POST " + target.uri();
        this.replies = replies;
        this.scheduler = scheduler;
    }

    @Override
    public CompletionStage<CloudEvent> invoke(Firing firing) {
        CompletableFuture<CloudEvent> reply = send(firing);
        String topic = target.replyTopic();
        if (topic == null) {
            return reply;
        }
        return reply.thenCompose(r -> r == null ? reply : republish(topic, continuingTrace(firing.event(), r)));
    }

    /** Publishes {@code reply}; the attempt succeeds once the bus accepted it, and fails (retryably) if it refused. */
    private CompletableFuture<CloudEvent> republish(String topic, CloudEvent reply) {
        CompletionStage<Void> published;
        try {
            published = replies.publish(topic, reply);
        } catch (RuntimeException e) {
            published = CompletableFuture.failedFuture(e);
        }
        return published.toCompletableFuture().handle((ok, failure) -> {
            if (failure != null) {
                throw new CompletionException(new HttpSinkException(where + " of " + owner + " answered with reply "
                        + reply.getId() + ", which could not be published to topic '" + topic + "': "
                        + unwrap(failure), unwrap(failure)));
            }
            return reply;
        });
    }

    /** {@code reply} with the trace context of the event it answers, unless it has its own (as requests do). */
    private static CloudEvent continuingTrace(CloudEvent answered, CloudEvent reply) {
        Object parent = answered.getExtension(TRACEPARENT);
        if (parent == null || reply.getExtension(TRACEPARENT) != null) {
            return reply;
        }
        CloudEventBuilder b = CloudEventBuilder.from(reply).withExtension(TRACEPARENT, parent.toString());
        Object state = answered.getExtension(TRACESTATE);
        if (state != null) {
            b.withExtension(TRACESTATE, state.toString());
        }
        return b.build();
    }

    private CompletableFuture<CloudEvent> send(Firing firing) {
        List<CloudEvent> events = events(firing, inputOrder);
        if (events.size() == 1) {
            CloudEvent event = events.get(0);
            return send(HttpMessages.single(event, target.mode()), event);
        }
        if (target.multipleEvents() == HttpTarget.MultipleEvents.BATCH) {
            return send(HttpMessages.batch(events), firing.event());
        }
        return each(events, 0, null);
    }

    /**
     * The events one firing sends, in order: a batch's events in arrival order; else a correlated firing's
     * contributing events in the trigger's input order (each once, however many inputs it completed); else the event.
     */
    static List<CloudEvent> events(Firing firing, List<String> inputOrder) {
        if (firing.batch().size() > 1) {
            return firing.batch();
        }
        if (firing.events().size() <= 1) {
            return List.of(firing.event());
        }
        Set<CloudEvent> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<CloudEvent> events = new ArrayList<>(firing.events().size());
        for (String input : inputOrder) {
            CloudEvent e = firing.events().get(input);
            if (e != null && seen.add(e)) {
                events.add(e);
            }
        }
        if (seen.add(firing.event())) {
            events.add(firing.event());
        }
        return events;
    }

    /** {@link HttpTarget.MultipleEvents#EACH}: one request after another; the reply is the last one received. */
    private CompletableFuture<CloudEvent> each(List<CloudEvent> events, int index, CloudEvent reply) {
        if (index == events.size()) {
            return CompletableFuture.completedFuture(reply);
        }
        CloudEvent event = events.get(index);
        return send(HttpMessages.single(event, target.mode()), event)
                .thenCompose(r -> each(events, index + 1, r != null ? r : reply));
    }

    private CompletableFuture<CloudEvent> send(HttpMessages.Content content, CloudEvent traced) {
        HttpRequest request;
        try {
            request = request(content, traced);
        } catch (IllegalArgumentException e) {
            // e.g. a header value the JDK refuses: sending it again cannot help
            return CompletableFuture.failedFuture(new NonRetryableException(where + " of " + owner
                    + ": the request could not be built: " + e.getMessage(), e));
        }
        ResponseBody body = new ResponseBody(REPLY_LIMIT, EXCERPT_BYTES);
        CompletableFuture<ResponseBody.Received> outcome = body.received();
        CompletableFuture<HttpResponse<ResponseBody.Bytes>> call = client.sendAsync(request, body);
        // failures before a response (connect, timeout, reset) only surface here, after the client's hop to the
        // common pool; a response surfaces through the body handler without it (see ResponseBody)
        call.whenComplete((response, failure) -> {
            if (failure != null) {
                outcome.completeExceptionally(failure);
            }
        });
        Scheduler.Cancellable deadline = deadline(outcome, call);
        return outcome.handle((received, failure) -> {
            if (deadline != null) {
                deadline.cancel();
            }
            return outcome(received, failure);
        });
    }

    /**
     * Bounds the whole exchange, body included, by the target's timeout on the runtime's scheduler: past it the
     * attempt fails and the exchange is cancelled, freeing its connection. {@code null} when the scheduler is shut
     * down (the client's request timeout still applies).
     */
    private Scheduler.Cancellable deadline(CompletableFuture<ResponseBody.Received> outcome,
                                           CompletableFuture<HttpResponse<ResponseBody.Bytes>> call) {
        try {
            return scheduler.schedule(target.timeout(), () -> {
                if (outcome.completeExceptionally(new TimeoutException())) {
                    call.cancel(true);
                }
            });
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private HttpRequest request(HttpMessages.Content content, CloudEvent traced) {
        HttpRequest.Builder b = HttpRequest.newBuilder(target.uri())
                .timeout(target.timeout())
                .POST(HttpRequest.BodyPublishers.ofByteArray(content.body()));
        if (version != null) {
            b.version(version);
        }
        content.headers().forEach(b::header);
        target.headers().forEach(b::header);
        Object parent = traced.getExtension(TRACEPARENT);
        if (parent != null) {
            b.header(TRACEPARENT, parent.toString());
            Object state = traced.getExtension(TRACESTATE);
            if (state != null) {
                b.header(TRACESTATE, state.toString());
            }
        }
        if (target.bearerToken() != null) {
            b.header("Authorization", "Bearer " + target.bearerToken());
        }
        if (hmacKey != null) {
            b.header(target.signatureHeader(), "sha256=" + HexFormat.of().formatHex(sign(content.body())));
        }
        return b.build();
    }

    private byte[] sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hmacKey);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    /** The attempt's outcome: the reply (or {@code null}), else throws the failure wrapped for the stage. */
    private CloudEvent outcome(ResponseBody.Received response, Throwable failure) {
        if (failure != null) {
            throw new CompletionException(transportFailure(unwrap(failure)));
        }
        int status = response.status();
        ResponseBody.Bytes body = response.body();
        if (status >= 200 && status < 300) {
            CloudEvent reply;
            try {
                reply = HttpMessages.reply(response.headers().map(), body.bytes());
            } catch (IllegalArgumentException e) {
                throw new CompletionException(new NonRetryableException(where + " of " + owner + " answered " + status
                        + " with a malformed CloudEvent" + (body.truncated() ? " (larger than " + REPLY_LIMIT
                        + " bytes, cut)" : "") + ": " + e.getMessage(), e));
            }
            return reply;
        }
        String message = where + " of " + owner + " answered " + status + excerpt(body);
        if (retryable(status)) {
            Duration retryAfter = retryAfter(response.headers().firstValue("Retry-After").orElse(null), Instant.now());
            if (retryAfter != null) {
                message += " (asked to retry after " + retryAfter + ")";
            }
            throw new CompletionException(new HttpSinkException(message, null, retryAfter));
        }
        throw new CompletionException(new NonRetryableException(message + " (not retried: a " + status
                + " answer would not change)"));
    }

    /**
     * The delay a {@code Retry-After} value asks for (RFC 9110 §10.2.3: delay-seconds, or an HTTP-date compared with
     * {@code now}); {@code null} when absent or unreadable, zero for a date in the past.
     */
    static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    /** 408 Request Timeout, 429 Too Many Requests and every 5xx: the function may accept the same request later. */
    static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private Throwable transportFailure(Throwable t) {
        if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
            return new HttpSinkException(where + " of " + owner + " got no complete answer within "
                    + target.timeout(), t);
        }
        if (t instanceof ConnectException) {
            return new HttpSinkException(where + " of " + owner + " could not connect: " + t, t);
        }
        if (t instanceof IOException || t instanceof CancellationException) {
            return new HttpSinkException(where + " of " + owner + " failed: " + t, t);
        }
        return new NonRetryableException(where + " of " + owner + " could not be sent: " + t, t);
    }

    /** {@code : <first characters of the body>}, printable, or nothing for an empty body. */
    static String excerpt(ResponseBody.Bytes body) {
        if (body == null || body.bytes().length == 0) {
            return "";
        }
        String text = new String(body.bytes(), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(Math.min(text.length(), EXCERPT_CHARS) + 8).append(": ");
        boolean space = false;
        int kept = 0;
        for (int i = 0; i < text.length() && kept < EXCERPT_CHARS; i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                space = true; // collapse layout and control characters, which would break a log line
                continue;
            }
            if (space && kept > 0) {
                out.append(' ');
                kept++;
            }
            space = false;
            out.append(c);
            kept++;
        }
        if (kept >= EXCERPT_CHARS || body.truncated()) {
            out.append('…');
        }
        return out.toString();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public String toString() {
        return where;
    }
}
