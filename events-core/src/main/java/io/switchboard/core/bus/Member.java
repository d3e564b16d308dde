package io.switchboard.core.bus;

import io.switchboard.api.BusConsumer;
import io.switchboard.api.Subscription;

/** One subscription: a member of a consumer group. Closing it hands its partitions to the remaining members. */
final class Member implements Subscription {

    private final ConsumerGroup group;
    final BusConsumer consumer;
    private volatile boolean closed;

    Member(ConsumerGroup group, BusConsumer consumer) {
        this.group = group;
        this.consumer = consumer;
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
     * Leaves the group. A delivery whose stage has not completed is abandoned unacknowledged: its event goes to the
     * next member of the group (its late outcome is ignored). No new delivery starts here.
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
