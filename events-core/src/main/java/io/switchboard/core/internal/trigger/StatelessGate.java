package io.switchboard.core.internal.trigger;

import io.cloudevents.CloudEvent;
import io.switchboard.core.internal.SubscriberCounters;

import java.util.Map;
import java.util.Set;

/**
 * The gate of an {@code ||}-only condition (a single input included): every event of a named input fires the
 * subscriber by itself, with that event as its only contributing event. Holds no state, so it needs no
 * correlation, window or reset. Thread-safe.
 */
final class StatelessGate implements FiringGate {

    private final Set<String> inputs;
    private final SubscriberCounters counters;

    StatelessGate(Condition condition, SubscriberCounters counters) {
        this.inputs = Set.copyOf(condition.inputs());
        this.counters = counters;
    }

    @Override
    public Map<String, CloudEvent> offer(String input, CloudEvent event) {
        if (!inputs.contains(input)) {
            return null;
        }
        counters.fired.increment();
        return Map.of(input, event);
    }
}
