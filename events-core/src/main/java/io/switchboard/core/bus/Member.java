package io.switchboard.core.bus;

import io.switchboard.api.Acknowledgement;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.Subscription;

/** One subscription: a member of a consumer group. Closing it hands its partitions to the remaining members. */
final class Member implements Subscription {

    private final ConsumerGroup group;
    final BusConsumer consumer;
    /**
     * Whether the consumer overrides {@link BusConsumer#deliver(io.cloudevents.CloudEvent, Acknowledgement)}: only
     * then does a delivery allocate an {@link Acknowledgement} (the plain path stays allocation-free).
     */
    final boolean takesAcknowledgement;
    private volatile boolean closed;

    Member(ConsumerGroup group, BusConsumer consumer) {
        this.group = group;
        this.consumer = consumer;
        this.takesAcknowledgement = overridesHeldDelivery(consumer);
    }

    private static boolean overridesHeldDelivery(BusConsumer consumer) {
        try {
            return consumer.getClass().getMethod("deliver", io.cloudevents.CloudEvent.class, Acknowledgement.class)
                    .getDeclaringClass() != BusConsumer.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return true; // cannot tell: hand it one, which is always correct
        }
    }

    @Override
    public String topic() {
        return group.topic();
    }

    @Override
    public String group() {
        return group.name();
    }

    boolean closed() {
        return closed;
    }

    /**
     * Leaves the group. No new delivery starts here; a delivery whose stage has not completed is waited for up to
     * the bus's {@link InMemoryEventBus.Builder#leaveTimeout leave timeout} and then abandoned unacknowledged: its
     * event goes to the next member of the group (its late outcome is ignored). Events held past their turn go back
     * to the group.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            group.leave(this);
        }
    }

    @Override
    public String toString() {
        return "Subscription[topic=" + topic() + ", group=" + group() + "]";
    }
}
