package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.internal.delivery.DeliveryContext;
import io.switchboard.core.internal.delivery.DeliveryPipelines;
import io.switchboard.core.internal.trigger.FiringGates;
import io.switchboard.core.time.ManualScheduler;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/** Builds dispatch parts with the real seams (gate and pipeline factories), without a bus. */
final class Fixtures {
    private static final AtomicLong IDS = new AtomicLong();

    private Fixtures() {
    }

    static CloudEvent event(String type, String subject) {
        CloudEventBuilder b = CloudEventBuilder.v1().withId("e" + IDS.incrementAndGet()).withType(type)
                .withSource(URI.create("/test"));
        if (subject != null) {
            b.withSubject(subject);
        }
        return b.build();
    }

    /** A one-input trigger "t" (input "in") with one subscriber, dispatched on {@code executor}. */
    static SubscriberDispatch dispatch(Subscriber subscriber, Executor executor) {
        Trigger trigger = Trigger.builder("t").input("in", null).subscriber(subscriber).build();
        SubscriberCounters counters = new SubscriberCounters();
        ManualScheduler time = new ManualScheduler();
        return SubscriberDispatch.create(trigger, subscriber, FiringGates.create(trigger, subscriber, time, counters),
                DeliveryPipelines.create(trigger, subscriber, new DeliveryContext(time, executor, counters,
                        (bus, topic, e) -> CompletableFuture.completedFuture(null))),
                counters, executor);
    }

    /** A router whose table routes every event through input "in" to {@code dispatch}. */
    static TopicRouter router(SubscriberDispatch dispatch) {
        TopicRouter router = new TopicRouter("default", "app");
        router.table(RoutingTable.of(List.of(new Route("t", "in", InputFilter.ALL,
                new SubscriberDispatch[]{dispatch}))));
        return router;
    }
}
