package io.switchboard.core.source.http;

import io.switchboard.api.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs the outcome of an asynchronous invocation to the caller's {@code X-Callback-Url}. A failed POST (an I/O
 * error or a non-2xx answer) is retried with exponential backoff on the source's {@link Scheduler}; after the last
 * attempt the callback is counted as failed and logged. Thread-safe.
 */
final class CallbackSender {

    private static final Logger LOG = LoggerFactory.getLogger(CallbackSender.class);

    private final HttpClient client;
    private final Scheduler scheduler;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration timeout;
    private final IngressCounters counters;
    private final String sourceName;

    CallbackSender(HttpClient client, Scheduler scheduler, int maxAttempts, Duration initialBackoff,
                   Duration maxBackoff, Duration timeout, IngressCounters counters, String sourceName) {
        this.client = client;
        this.scheduler = scheduler;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.timeout = timeout;
        this.counters = counters;
        this.sourceName = sourceName;
    }

    /** Sends the callback, retrying in the background. */
    void send(URI url, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        attempt(b.build(), 1);
    }

    private void attempt(HttpRequest request, int attempt) {
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            if (failure == null && response.statusCode() / 100 == 2) {
                counters.callbacksDelivered.increment();
                return;
            }
            String why = failure != null ? String.valueOf(failure.getMessage()) : "status " + response.statusCode();
            if (attempt >= maxAttempts) {
                counters.callbacksFailed.increment();
                LOG.warn("source '{}': callback to {} failed after {} attempt(s), giving up: {}",
                        sourceName, request.uri(), attempt, why);
                return;
            }
            counters.callbacksRetried.increment();
            Duration wait = backoff(attempt);
            LOG.debug("source '{}': callback to {} failed ({}), retry {} in {}", sourceName, request.uri(), why, attempt, wait);
            scheduler.schedule(wait, () -> attempt(request, attempt + 1));
        });
    }

    private Duration backoff(int attempt) {
        Duration d = initialBackoff.multipliedBy(1L << Math.min(attempt - 1, 20));
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}
