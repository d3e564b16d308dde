package io.switchboard.api;

import io.cloudevents.CloudEvent;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * What the runtime gives an {@link EventSource} when it starts. Thread-safe.
 */
public interface SourceContext {

    /** The name of the source this context belongs to. */
    String sourceName();

    /**
     * Publishes an event produced by this source.
     *
     * @return a stage that completes when the bus accepted the event (for a durable bus: stored durably), or
     *         completes exceptionally — with {@link PublishRejectedException} under back-pressure — when it was not.
     *         An event whose stage failed was not delivered and will not be.
     */
    CompletionStage<Void> emit(CloudEvent event);

    /**
     * Runs the named trigger synchronously for one event and returns the reply of the one subscriber whose sink
     * replies (request/reply, as used by HTTP invocation endpoints).
     *
     * @return a stage completing with the reply, or exceptionally with {@link RequestFailedException}
     */
    CompletionStage<CloudEvent> request(String trigger, CloudEvent event, Duration timeout);

    /** The clock and scheduler all time-based behaviour of the source must use, so tests can drive time. */
    Scheduler scheduler();

    /**
     * Whether the runtime behind this context is ready to take events: running, every bus connected, no queue at its
     * bound, not draining. A source with a readiness endpoint (the HTTP source's {@code /readyz}) reports it, so load
     * balancers stop sending while the runtime cannot keep up. Cheap; may be called on every probe.
     */
    default boolean ready() {
        return true;
    }
}
