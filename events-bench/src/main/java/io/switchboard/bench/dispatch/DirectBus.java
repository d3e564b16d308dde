package io.switchboard.bench.dispatch;

import io.cloudevents.CloudEvent;
import io.switchboard.api.BusCapability;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.EventBus;
import io.switchboard.api.Subscription;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A bus that hands each event straight to its one consumer on the publishing thread, so that a benchmark of
 * {@code Switchboard.publish} measures routing and dispatch, not a bus hop. One consumer per bus.
 */
public final class DirectBus implements EventBus {

    private volatile BusConsumer consumer;

    @Override
    public String type() {
        return "direct";
    }

    @Override
    public Set<BusCapability> capabilities() {
        return Set.of();
    }

    @Override
    public CompletionStage<Void> publish(String topic, CloudEvent event) {
        return consumer.deliver(event);
    }

    @Override
    public Subscription subscribe(String topic, String group, BusConsumer consumer) {
        this.consumer = consumer;
        return new Subscription() {
            public String topic() { return topic; }
            public String group() { return group; }
            public void close() { DirectBus.this.consumer = e -> CompletableFuture.completedFuture(null); }
        };
    }

    @Override
    public void close() {
    }
}
