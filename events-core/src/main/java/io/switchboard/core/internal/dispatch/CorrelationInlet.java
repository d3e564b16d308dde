package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Acknowledgement;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.PoisonMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * The second hop of a correlated subscriber on a shared durable bus: consumes the subscriber's correlation topic
 * (same consumer group as the rest of the application) and offers each copy, stripped of the runtime's extensions,
 * to the subscriber's firing gate together with its bus {@link Acknowledgement}, which the gate keeps while it holds
 * the event (see {@link CorrelationHop}, docs/scaling.md).
 *
 * <p>The target is the live dispatch of the subscriber: a replaced trigger's subscriber of the same name takes over
 * (its gate shares the held events), a removed one leaves copies to be acknowledged and skipped. Thread-safe.
 */
public final class CorrelationInlet implements BusConsumer {

    private static final Logger log = LoggerFactory.getLogger(CorrelationInlet.class);

    /** For a bus that never hands out acknowledgements: nothing can be held past its turn, so holding does nothing. */
    private static final Acknowledgement IMMEDIATE = new Acknowledgement() {
        @Override
        public Acknowledgement hold() {
            return this;
        }

        @Override
        public void release() {
        }

        @Override
        public void whenReturned(Runnable action) {
        }
    };

    private final String bus;
    private final String topic;
    private volatile SubscriberDispatch target;
    private final LongAdder skipped = new LongAdder();

    public CorrelationInlet(String bus, String topic) {
        this.bus = bus;
        this.topic = topic;
    }

    public String bus() {
        return bus;
    }

    public String topic() {
        return topic;
    }

    /** The subscriber that receives this topic's copies now, or {@code null} (trigger removed: copies are skipped). */
    public void target(SubscriberDispatch dispatch) {
        this.target = dispatch;
    }

    public SubscriberDispatch target() {
        return target;
    }

    /** Copies acknowledged without offering: no live subscriber, or not a copy made by the runtime. */
    public long skipped() {
        return skipped.sum();
    }

    @Override
    public CompletionStage<Void> deliver(CloudEvent event) {
        return deliver(event, IMMEDIATE);
    }

    @Override
    public CompletionStage<Void> deliver(CloudEvent event, Acknowledgement acknowledgement) {
        Object input = event.getExtension(CorrelationHop.INPUTS);
        SubscriberDispatch d = target;
        if (input == null || d == null) {
            skipped.increment();
            if (input == null) {
                log.warn("event {} on correlation topic '{}' of bus '{}' carries no '{}' extension: it was not"
                        + " published by the runtime; skipped", event.getId(), topic, bus, CorrelationHop.INPUTS);
            }
            return Stages.DONE;
        }
        Object parked = event.getExtension(CorrelationHop.PARKED);
        long parkedArrival = -1;
        if (parked != null) {
            try {
                parkedArrival = Long.parseLong(parked.toString());
            } catch (NumberFormatException e) {
                parkedArrival = -1;
            }
        }
        CloudEventBuilder original = CloudEventBuilder.from(event).withoutExtension(CorrelationHop.INPUTS);
        if (parked != null) {
            original.withoutExtension(CorrelationHop.PARKED);
            Object originalId = event.getExtension(CorrelationHop.PARKED_ID);
            if (originalId != null) {
                original.withId(originalId.toString()).withoutExtension(CorrelationHop.PARKED_ID);
            }
        }
        acknowledgement.hold();
        return d.offerHeld(input.toString(), original.build(), acknowledgement, parkedArrival);
    }

    /** Nothing but the runtime writes this topic: an undecodable record is logged and skipped. */
    @Override
    public CompletionStage<Void> poison(PoisonMessage message) {
        skipped.increment();
        log.error("undecodable message on correlation topic '{}' of bus '{}' at {} skipped: {}", topic, bus,
                message.location(), message.reason());
        return Stages.DONE;
    }

    @Override
    public String toString() {
        return "CorrelationInlet[" + bus + ":" + topic + "]";
    }
}
