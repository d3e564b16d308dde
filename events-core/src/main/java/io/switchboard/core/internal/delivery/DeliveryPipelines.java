package io.switchboard.core.internal.delivery;

import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.trigger.AttributeReader;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/** Creates the {@link DeliveryPipeline} of a subscriber. */
public final class DeliveryPipelines {

    private DeliveryPipelines() {
    }

    /** Creates the pipeline for {@code subscriber} of {@code trigger}, with backoff jitter from a thread-local random. */
    public static DeliveryPipeline create(Trigger trigger, Subscriber subscriber, DeliveryContext context) {
        return create(trigger, subscriber, context, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * Creates the pipeline for {@code subscriber} of {@code trigger}.
     *
     * @param random uniform values in {@code [0, 1)} for backoff jitter (a seeded source makes backoffs
     *               reproducible in tests); called from any thread, so it must be thread-safe
     */
    public static DeliveryPipeline create(Trigger trigger, Subscriber subscriber, DeliveryContext context,
                                          DoubleSupplier random) {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(random, "random");
        String owner = "subscriber '" + subscriber.name() + "' of trigger '" + trigger.name() + "'";
        DeadLetters deadLetters = new DeadLetters(trigger.name(), subscriber.name(), subscriber.deadLetter(),
                context.publisher());
        TokenBucket rateLimit = subscriber.rateLimit() == null ? null : new TokenBucket(subscriber.rateLimit());
        Attempts attempts = new Attempts(owner, subscriber.sink(), subscriber.deliveryPolicy(), deadLetters, rateLimit,
                context, random);
        Batcher batcher = null;
        Debouncer debouncer = null;
        if (subscriber.batching() != null) {
            batcher = new Batcher(trigger.name(), subscriber.name(), subscriber.batching().maxSize(),
                    subscriber.batching().maxWait(), context.scheduler(), context.executor(), attempts::send);
        } else if (subscriber.debounce() != null) {
            debouncer = new Debouncer(subscriber.debounce(), AttributeReader.of(subscriber.orderingKey()),
                    context.scheduler(), context.executor(), context.counters(), attempts::send);
        }
        return new SubscriberPipeline(attempts, batcher, debouncer);
    }
}
