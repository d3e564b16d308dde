package io.switchboard.core.internal.delivery;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.time.ManualScheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.function.UnaryOperator;

/** A pipeline on a manual scheduler with a direct executor and a recording publisher. */
class DeliveryFixture {

    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    record Published(String bus, String topic, CloudEvent event) {
    }

    final ManualScheduler scheduler = new ManualScheduler(T0);
    final SubscriberCounters counters = new SubscriberCounters();
    final List<Published> published = new CopyOnWriteArrayList<>();
    final DeliveryContext context = new DeliveryContext(scheduler, Runnable::run, counters, (bus, topic, event) -> {
        published.add(new Published(bus, topic, event));
        return CompletableFuture.completedFuture(null);
    });

    DeliveryPipeline pipeline(Sink sink, UnaryOperator<Subscriber.Builder> options) {
        return pipeline(sink, options, () -> 0.5);
    }

    DeliveryPipeline pipeline(Sink sink, UnaryOperator<Subscriber.Builder> options, DoubleSupplier random) {
        Subscriber subscriber = options.apply(Subscriber.builder("ship").condition("a || b").sink(sink)).build();
        Trigger trigger = Trigger.builder("orders").input("a", null).input("b", null).subscriber(subscriber).build();
        return DeliveryPipelines.create(trigger, subscriber, context, random);
    }

    static Firing firing(CloudEvent event) {
        return new Firing("orders", "ship", event, Map.of("a", event), List.of(event));
    }

    static Firing firing(CloudEvent a, CloudEvent b) {
        return new Firing("orders", "ship", b, Map.of("a", a, "b", b), List.of(b));
    }

    Instant at(long millis) {
        return T0.plus(Duration.ofMillis(millis));
    }

    void advanceMillis(long millis) {
        scheduler.advance(Duration.ofMillis(millis));
    }
}
