package io.switchboard.core.bus;

import io.cloudevents.CloudEvent;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.Subscription;
import io.switchboard.core.internal.dispatch.Stages;

import java.util.Arrays;
import java.util.concurrent.CompletionStage;

/** One topic of the in-memory bus: its consumer groups. Publishing reads a snapshot array of groups, lock-free. */
final class Topic {

    private final InMemoryEventBus bus;
    private final String name;
    private volatile ConsumerGroup[] groups = new ConsumerGroup[0];

    Topic(InMemoryEventBus bus, String name) {
        this.bus = bus;
        this.name = name;
    }

    /** {@code key}: the explicit partition key, or {@code null} for the event's own. */
    CompletionStage<Void> publish(CloudEvent event, String key) {
        ConsumerGroup[] snapshot = groups;
        PublishRejectedException rejected = null;
        for (ConsumerGroup group : snapshot) {
            PublishRejectedException r = group.offer(event, key);
            if (r != null && rejected == null) {
                rejected = r;
            }
        }
        return rejected == null ? Stages.DONE : Stages.failed(rejected);
    }

    Subscription join(String group, BusConsumer consumer) {
        ConsumerGroup g;
        synchronized (this) {
            g = find(group);
            if (g == null) {
                g = new ConsumerGroup(bus, name, group);
                ConsumerGroup[] next = Arrays.copyOf(groups, groups.length + 1);
                next[next.length - 1] = g;
                groups = next;
            }
        }
        return g.join(consumer);
    }

    long pending(String group) {
        long sum = 0;
        for (ConsumerGroup g : groups) {
            if (group == null || g.name().equals(group)) {
                sum += g.pending();
            }
        }
        return sum;
    }

    long held(String group) {
        long sum = 0;
        for (ConsumerGroup g : groups) {
            if (g.name().equals(group)) {
                sum += g.held();
            }
        }
        return sum;
    }

    long close() {
        long discarded = 0;
        for (ConsumerGroup g : groups) {
            discarded += g.close();
        }
        return discarded;
    }

    private ConsumerGroup find(String group) {
        for (ConsumerGroup g : groups) {
            if (g.name().equals(group)) {
                return g;
            }
        }
        return null;
    }
}
