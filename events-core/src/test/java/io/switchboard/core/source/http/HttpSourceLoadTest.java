package io.switchboard.core.source.http;

import io.cloudevents.CloudEvent;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.core.source.support.RecordingSourceContext;
import io.switchboard.core.time.Schedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded load test against the real server on loopback: 20,000 webhook requests, 32 in flight, with the "bus"
 * refusing every 20th event. Every 202 must correspond to exactly one accepted event and every 503 to none.
 */
class HttpSourceLoadTest {

    private static final int REQUESTS = 20_000;
    private static final int CONCURRENCY = 32;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void every202CorrespondsToExactlyOneDeliveredEvent() throws Exception {
        RecordingSourceContext ctx = new RecordingSourceContext("load", Schedulers.system("load-test"));
        ctx.acceptWith(e -> Integer.parseInt(e.getId().substring(2)) % 20 == 0
                ? CompletableFuture.failedFuture(new PublishRejectedException("full"))
                : CompletableFuture.completedFuture(null));
        HttpSource source = HttpSource.builder("load").port(0).build();
        source.start(ctx);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Semaphore inFlight = new Semaphore(CONCURRENCY);
        Map<Integer, Set<String>> idsByStatus = new ConcurrentHashMap<>();
        AtomicLong transportFailures = new AtomicLong();
        long started = System.nanoTime();
        try {
            for (int i = 0; i < REQUESTS; i++) {
                String id = "e-" + i;
                HttpRequest request = HttpRequest.newBuilder(source.baseUri().resolve("/apis/events"))
                        .timeout(Duration.ofSeconds(20))
                        .header("X-Event-Type", "load.test").header("X-Event-Id", id)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}")).build();
                if (!inFlight.tryAcquire(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("no response for 30 s with " + CONCURRENCY + " requests in flight");
                }
                client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                    if (failure != null) {
                        transportFailures.incrementAndGet();
                    } else {
                        idsByStatus.computeIfAbsent(response.statusCode(), s -> ConcurrentHashMap.newKeySet()).add(id);
                    }
                    inFlight.release();
                });
            }
            if (!inFlight.tryAcquire(CONCURRENCY, 60, TimeUnit.SECONDS)) {
                throw new AssertionError("the last requests did not finish within 60 s");
            }
        } finally {
            source.close();
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        List<String> delivered = ctx.emitted().stream().map(CloudEvent::getId).toList();
        Set<String> accepted = idsByStatus.getOrDefault(202, Set.of());
        Map<Integer, Integer> counts = new TreeMap<>();
        idsByStatus.forEach((status, ids) -> counts.put(status, ids.size()));
        System.out.printf("HTTP load: %d requests, %d concurrent, %d ms, %.0f requests/s, statuses %s, transport failures %d%n",
                REQUESTS, CONCURRENCY, elapsedMs, REQUESTS * 1000.0 / Math.max(1, elapsedMs), counts, transportFailures.get());

        assertThat(transportFailures).hasValue(0);
        assertThat(counts).containsOnlyKeys(202, 503);
        assertThat(counts.get(202) + counts.get(503)).isEqualTo(REQUESTS);
        assertThat(counts.get(503)).isEqualTo(REQUESTS / 20);
        assertThat(delivered).doesNotHaveDuplicates();
        assertThat(new HashSet<>(delivered)).isEqualTo(accepted);
        assertThat(source.stats().acceptedEvents()).isEqualTo(accepted.size());
    }
}
