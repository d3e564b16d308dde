package io.switchboard.nats;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Events and counting for the module's own tests. */
final class TestEvents {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicInteger NAMES = new AtomicInteger();

    private TestEvents() {
    }

    static String unique(String prefix) {
        return prefix + "-" + RUN + "-" + NAMES.incrementAndGet();
    }

    static CloudEvent event(String id, String key) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/test")).withType("io.switchboard.nats.test")
                .withSubject(key).withExtension("partitionkey", key).withDataContentType("text/plain")
                .withData(id.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** Deliveries per event id, and the total. */
    static final class Tally {
        final Map<String, Integer> counts = new ConcurrentHashMap<>();
        final AtomicInteger deliveries = new AtomicInteger();

        void handled(String id) {
            counts.merge(id, 1, Integer::sum);
            deliveries.incrementAndGet();
        }

        int distinct() {
            return counts.size();
        }

        long duplicates() {
            return deliveries.get() - counts.size();
        }
    }
}
