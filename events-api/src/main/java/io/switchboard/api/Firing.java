package io.switchboard.api;

import io.cloudevents.CloudEvent;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One activation of a subscriber: what its sink receives.
 *
 * @param trigger    the trigger's name
 * @param subscriber the subscriber's name
 * @param event      the event that completed the condition (the last one of a batch)
 * @param events     every contributing event by input name; for a single-input condition, one entry
 * @param batch      the events of a batch in arrival order; for an unbatched subscriber, {@code [event]}
 */
public record Firing(String trigger, String subscriber, CloudEvent event, Map<String, CloudEvent> events,
                     List<CloudEvent> batch) {
    public Firing {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(event, "event");
        events = Map.copyOf(events);
        batch = List.copyOf(batch);
    }

    /** The contributing event of the named input, or {@code null} if that input did not contribute. */
    public CloudEvent event(String input) {
        return events.get(input);
    }
}
