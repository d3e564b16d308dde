package io.switchboard.micrometer;

import io.cloudevents.CloudEvent;
import io.switchboard.api.BusCapability;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.EventBus;
import io.switchboard.api.Subscription;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** A bus that hands each event to its topic's consumer on the publishing thread, so tests need not wait. */
final class DirectBus implements EventBus {

    private final Map<String, BusConsumer> consumers = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return "direct";
    }

    @Override
    public Set<BusCapability> capabilities() {
        return EnumSet.noneOf(BusCapability.class);
    }

    @Override
    public CompletionStage<Void> publish(String topic, CloudEvent event) {
        BusConsumer consumer = consumers.get(topic);
        return consumer == null ? CompletableFuture.completedFuture(null) : consumer.deliver(event);
    }

    @Override
    public Subscription subscribe(String topic, String group, BusConsumer consumer) {
        consumers.put(topic, consumer);
        return new Subscription() {
            @Override
            public String topic() {
                return topic;
            }

            @Override
            public String group() {
                return group;
            }

            @Override
            public void close() {
                consumers.remove(topic, consumer);
            }
        };
    }

    @Override
    public void close() {
        consumers.clear();
    }
}
