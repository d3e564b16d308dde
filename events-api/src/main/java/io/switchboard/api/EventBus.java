package io.switchboard.api;

import io.cloudevents.CloudEvent;

import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Carries CloudEvents from publishers to subscribers, a named topic at a time.
 *
 * <p><b>Publishing</b> completes only when the event is accepted — for a durable bus, when it is durably stored.
 * <b>Subscribing</b> names a consumer group: subscriptions with the same topic and group share the topic's events
 * (competing consumers: each event goes to one of them); different groups each receive every event.
 * <b>Acknowledgement</b> happens after the consumer's returned stage completes normally, never before; a stage
 * completing exceptionally leaves the event unacknowledged, and the bus delivers it again (at-least-once).
 *
 * <p><b>Partition key.</b> Events of one partition key are delivered to one member of a group at a time, in publish
 * order (with {@link BusCapability#ORDERED_PER_KEY}), also while members join, leave or crash. The key is the one
 * given to {@link #publish(String, CloudEvent, String)}, else the event's {@code partitionkey} extension, else its
 * {@code subject}; an event with none may go to any member.
 *
 * <p>Implementations are thread-safe. {@link #capabilities()} declares which of these guarantees a bus gives.
 */
public interface EventBus extends AutoCloseable {

    /** A short name of the implementation, e.g. {@code memory} or {@code kafka}. */
    String type();

    /** The guarantees this bus gives. */
    Set<BusCapability> capabilities();

    /**
     * Publishes one event to a topic.
     *
     * @return a stage that completes when the event was accepted, or exceptionally (e.g. with
     *         {@link PublishRejectedException}) when it was not; never completes normally for an event that was lost
     */
    CompletionStage<Void> publish(String topic, CloudEvent event);

    /**
     * Publishes one event to a topic under an explicit partition key, which decides the member that receives it in
     * place of the event's own {@code partitionkey} or {@code subject}; the event itself travels unchanged. The
     * runtime uses it to bring the events of one correlation key together on one member.
     *
     * <p>Every bus with {@link BusCapability#CONSUMER_GROUPS} implements it; the default refuses, so a bus that
     * cannot key explicitly is reported when a runtime needs it (at {@code build()}), never silently mis-keyed.
     *
     * @param partitionKey the key; not {@code null}
     * @return as {@link #publish(String, CloudEvent)}
     * @throws UnsupportedOperationException if this bus cannot key a message explicitly
     */
    default CompletionStage<Void> publish(String topic, CloudEvent event, String partitionKey) {
        throw new UnsupportedOperationException("bus type '" + type() + "' cannot publish under an explicit partition"
                + " key: implement EventBus.publish(topic, event, partitionKey)");
    }

    /**
     * Starts consuming a topic as a member of a consumer group.
     *
     * @param topic    the topic to consume
     * @param group    the consumer group; members of one group share the topic's events
     * @param consumer receives each event; its stage decides acknowledgement
     * @return the live subscription; closing it stops consumption (unacknowledged events are redelivered to the
     *         group later)
     */
    Subscription subscribe(String topic, String group, BusConsumer consumer);

    /** Closes every subscription and releases every thread and connection. Idempotent. */
    @Override
    void close();
}
