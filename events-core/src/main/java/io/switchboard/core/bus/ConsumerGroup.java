package io.switchboard.core.bus;

import io.cloudevents.CloudEvent;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.Subscription;

import java.util.Arrays;

/**
 * One consumer group of a topic: its partitions and its members. Partition {@code i} belongs to member
 * {@code i mod members}; membership changes swap an immutable member array and wake every partition, so that
 * stalled partitions (no member) resume and reassigned ones move on.
 */
final class ConsumerGroup {

    private final InMemoryEventBus bus;
    private final String topic;
    private final String name;
    private final Partition[] partitions;
    private volatile Member[] members = new Member[0];

    ConsumerGroup(InMemoryEventBus bus, String topic, String name) {
        this.bus = bus;
        this.topic = topic;
        this.name = name;
        this.partitions = new Partition[bus.partitions];
        for (int i = 0; i < partitions.length; i++) {
            partitions[i] = new Partition(bus, this, i);
        }
    }

    String name() {
        return name;
    }

    String topic() {
        return topic;
    }

    PublishRejectedException offer(CloudEvent event, String key) {
        int hash = key != null ? key.hashCode() : partitionKeyHash(event);
        Partition p = partitions[Math.floorMod(spread(hash), partitions.length)];
        if (p.offer(event)) {
            return null;
        }
        return new PublishRejectedException("in-memory bus: partition " + p.index() + " of topic '" + topic
                + "' for consumer group '" + name + "' is full (" + p.capacity() + " events): its consumer is slower"
                + " than the publishers — raise InMemoryEventBus.builder().capacity(..) or partitions(..), make the"
                + " consumer faster, or retry the publish later");
    }

    /** The member that consumes partition {@code index} now, or {@code null} if the group has none. */
    Member memberFor(int index) {
        Member[] m = members;
        return m.length == 0 ? null : m[index % m.length];
    }

    Subscription join(BusConsumer consumer) {
        Member member = new Member(this, consumer);
        synchronized (this) {
            Member[] next = Arrays.copyOf(members, members.length + 1);
            next[next.length - 1] = member;
            members = next;
        }
        reassignAll();
        wakeAll();
        return member;
    }

    void leave(Member member) {
        synchronized (this) {
            Member[] current = members;
            int at = -1;
            for (int i = 0; i < current.length; i++) {
                if (current[i] == member) {
                    at = i;
                }
            }
            if (at < 0) {
                return;
            }
            Member[] next = new Member[current.length - 1];
            System.arraycopy(current, 0, next, 0, at);
            System.arraycopy(current, at + 1, next, at, current.length - at - 1);
            members = next;
        }
        // the member's unfinished deliveries finish (bounded) before their keys go to another member, so that one key
        // is never handled by two members at once
        long deadline = System.nanoTime() + bus.leaveTimeout.toNanos();
        for (Partition p : partitions) {
            p.awaitOrAbandon(member, deadline);
        }
        reassignAll();
        wakeAll();
    }

    long pending() {
        long sum = 0;
        for (Partition p : partitions) {
            sum += p.pending();
        }
        return sum;
    }

    long held() {
        long sum = 0;
        for (Partition p : partitions) {
            sum += p.held();
        }
        return sum;
    }

    /** Partitions may have changed hands: events held by their previous member go back to the partition. */
    private void reassignAll() {
        for (Partition p : partitions) {
            p.reassigned();
        }
    }

    long close() {
        long discarded = 0;
        for (Partition p : partitions) {
            discarded += p.pending();
        }
        members = new Member[0];
        return discarded;
    }

    private void wakeAll() {
        for (Partition p : partitions) {
            p.wake();
        }
    }

    private static int partitionKeyHash(CloudEvent event) {
        Object key = event.getExtension("partitionkey");
        if (key == null) {
            key = event.getSubject();
        }
        if (key == null) {
            key = event.getId();
        }
        return key.hashCode();
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}
