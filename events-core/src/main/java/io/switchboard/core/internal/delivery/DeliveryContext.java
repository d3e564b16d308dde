package io.switchboard.core.internal.delivery;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Scheduler;
import io.switchboard.core.internal.SubscriberCounters;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * What a {@link DeliveryPipeline} needs from the runtime.
 *
 * @param scheduler time for backoff, timeouts, rate limits, batches and debounce
 * @param executor  where retries and deferred deliveries run
 * @param counters  the subscriber's counters to update
 * @param publisher publishes to a bus topic, for topic sinks and topic dead-letter sinks
 */
public record DeliveryContext(Scheduler scheduler, Executor executor, SubscriberCounters counters,
                              TopicPublisher publisher) {

    /** Publishes an event to a topic of a bus ({@code bus} {@code null}: the trigger's bus). */
    @FunctionalInterface
    public interface TopicPublisher {
        CompletionStage<Void> publish(String bus, String topic, CloudEvent event);
    }
}
