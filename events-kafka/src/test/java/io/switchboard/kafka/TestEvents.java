package io.switchboard.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Small helpers shared by the Kafka tests. */
final class TestEvents {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicInteger NAMES = new AtomicInteger();

    private TestEvents() {
    }

    static String unique(String prefix) {
        return prefix + "-" + RUN + "-" + NAMES.incrementAndGet();
    }

    static CloudEvent event(String id, String key) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/switchboard/kafka-test"))
                .withType("io.switchboard.kafka.test").withSubject(key).withDataContentType("text/plain")
                .withData(id.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** Counts how often each id was handled. Thread-safe. */
    static final class Tally {
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        final AtomicInteger deliveries = new AtomicInteger();

        void handled(String id) {
            counts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            deliveries.incrementAndGet();
        }

        int distinct() {
            return counts.size();
        }

        long duplicates() {
            return counts.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).mapToLong(n -> n - 1).sum();
        }
    }
}
