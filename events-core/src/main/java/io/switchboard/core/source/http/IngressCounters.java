package io.switchboard.core.source.http;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The HTTP source's counters; increments are lock-free, {@link #snapshot()} is a consistent-enough read. */
final class IngressCounters {

    final LongAdder acceptedEvents = new LongAdder();
    final LongAdder callbacksDelivered = new LongAdder();
    final LongAdder callbacksRetried = new LongAdder();
    final LongAdder callbacksFailed = new LongAdder();
    private final ConcurrentHashMap<Integer, LongAdder> responses = new ConcurrentHashMap<>();

    void response(int status) {
        responses.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    HttpSource.Stats snapshot() {
        Map<Integer, Long> byStatus = new TreeMap<>();
        Map<Integer, Long> rejected = new TreeMap<>();
        responses.forEach((status, count) -> {
            byStatus.put(status, count.sum());
            if (status >= 400) {
                rejected.put(status, count.sum());
            }
        });
        return new HttpSource.Stats(acceptedEvents.sum(), Map.copyOf(rejected), Map.copyOf(byStatus),
                callbacksDelivered.sum(), callbacksRetried.sum(), callbacksFailed.sum());
    }
}
