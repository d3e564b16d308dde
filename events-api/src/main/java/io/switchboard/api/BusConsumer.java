package io.switchboard.api;

import io.cloudevents.CloudEvent;

import java.util.concurrent.CompletionStage;

/**
 * Receives events from an {@link EventBus} subscription.
 *
 * <p>A bus calls {@link #deliver} for events of one partition key one at a time, in order; it may call it
 * concurrently for different keys. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface BusConsumer {

    /**
     * Handles one event.
     *
     * @return a stage whose normal completion acknowledges the event; exceptional completion (or a thrown
     *         exception) leaves it unacknowledged for redelivery
     */
    CompletionStage<Void> deliver(CloudEvent event);

    /**
     * Handles one event with control over its acknowledgement. Buses that declare
     * {@link BusCapability#HELD_ACKNOWLEDGEMENT} call this method instead of {@link #deliver(CloudEvent)}; the
     * default ignores {@code acknowledgement} (the stage alone decides, as with {@link #deliver(CloudEvent)}).
     *
     * @param event           the event
     * @param acknowledgement lets the consumer {@link Acknowledgement#hold() hold} the event past its turn
     * @return a stage whose normal completion ends the event's turn and, unless it is held, acknowledges it
     */
    default CompletionStage<Void> deliver(CloudEvent event, Acknowledgement acknowledgement) {
        return deliver(event);
    }

    /**
     * Handles a message that could not be decoded as a CloudEvent. The default logs nothing and fails, which
     * makes the bus apply its own dead-letter rule; consumers that own a dead-letter sink override it.
     *
     * @return a stage whose normal completion acknowledges (skips) the message
     */
    default CompletionStage<Void> poison(PoisonMessage message) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                new IllegalStateException("no dead-letter sink for undecodable message on topic '"
                        + message.topic() + "': " + message.reason()));
    }
}
