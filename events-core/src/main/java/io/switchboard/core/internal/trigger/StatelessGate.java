package io.switchboard.core.internal.trigger;

import io.cloudevents.CloudEvent;

import java.util.Map;
import java.util.Set;

/**
 * The gate of an {@code ||}-only condition (a single input included): every event of a named input fires the
 * subscriber by itself, with that event as its only contributing event. Holds no state, so it needs no
 * correlation, window or reset. Thread-safe.
 */
final class StatelessGate implements FiringGate {

    private final Set<String> inputs;

    StatelessGate(Condition condition) {
        this.inputs = Set.copyOf(condition.inputs());
    }

    @Override
    public Map<String, CloudEvent> offer(String input, CloudEvent event) {
        if (!inputs.contains(input)) {
            return null;
        }
        return Map.of(input, event);
    }

    @Override
    public boolean firesAlone(String input) {
        return inputs.contains(input);
    }
}
