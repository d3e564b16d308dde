package io.switchboard.kafka;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the CloudEvents (by {@code source} + {@code id}, the spec's identity) a subscription handled within a
 * window on the {@link Scheduler} clock, so a redelivery of an already handled event is acknowledged without
 * handling it again. Bounded: beyond {@code capacity} ids the oldest are forgotten first. Thread-safe.
 */
final class DuplicateFilter {

    private final Scheduler scheduler;
    private final Duration window;
    private final int capacity;
    private final LinkedHashMap<String, Instant> handled = new LinkedHashMap<>();

    DuplicateFilter(Scheduler scheduler, Duration window, int capacity) {
        this.scheduler = scheduler;
        this.window = window;
        this.capacity = capacity;
    }

    /** Whether this event was handled within the window. */
    synchronized boolean alreadyHandled(CloudEvent event) {
        expire();
        return handled.containsKey(identity(event));
    }

    synchronized void handled(CloudEvent event) {
        expire();
        handled.putIfAbsent(identity(event), scheduler.now());
        if (handled.size() > capacity) {
            Iterator<String> oldest = handled.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private void expire() {
        Instant horizon = scheduler.now().minus(window);
        Iterator<Map.Entry<String, Instant>> it = handled.entrySet().iterator();
        while (it.hasNext() && !it.next().getValue().isAfter(horizon)) {
            it.remove();
        }
    }

    private static String identity(CloudEvent event) {
        return event.getSource() + "\u0000" + event.getId();
    }
}
