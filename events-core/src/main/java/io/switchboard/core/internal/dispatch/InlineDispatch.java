package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.internal.delivery.DeliveryPipeline;
import io.switchboard.core.internal.trigger.FiringGate;

import java.util.concurrent.CompletionStage;

/**
 * Delivers on the thread that routes the event (the bus's delivery thread). A synchronous sink finishes before
 * routing moves on and costs no allocation here; a sink that completes later makes the event's acknowledgement wait
 * for it.
 */
final class InlineDispatch extends SubscriberDispatch {

    /** The sink's invoker when the subscriber qualifies for {@link FirstAttempt}, else {@code null}. */
    private final Sink.Invoker direct;

    InlineDispatch(Trigger trigger, Subscriber subscriber, FiringGate gate, DeliveryPipeline pipeline,
                   SubscriberCounters counters, Sink.Invoker direct) {
        super(trigger, subscriber, gate, pipeline, counters);
        this.direct = direct;
    }

    @Override
    Tracker accept(Firing firing, Tracker tracker) {
        if (direct != null) {
            CompletionStage<CloudEvent> first = null;
            Throwable failure = null;
            try {
                first = direct.invoke(firing);
            } catch (Throwable t) {
                failure = t;
            }
            if (failure == null && Stages.completedNormally(first)) {
                counters.delivered.increment();
                return tracker;
            }
            FirstAttempt.handOver(firing, first, failure);
            try {
                return viaPipeline(firing, tracker);
            } finally {
                FirstAttempt.clear();
            }
        }
        return viaPipeline(firing, tracker);
    }

    private Tracker viaPipeline(Firing firing, Tracker tracker) {
        CompletionStage<CloudEvent> stage = deliver(firing);
        if (Stages.isDone(stage)) {
            return tracker;
        }
        Tracker t = tracker == null ? new Tracker() : tracker;
        t.add();
        outstanding.incrementAndGet();
        stage.whenComplete((reply, failure) -> {
            finished();
            t.done();
        });
        return t;
    }

    @Override
    public long queueDepth() {
        return 0;
    }
}
