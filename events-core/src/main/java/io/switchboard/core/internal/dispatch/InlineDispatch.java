package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;
import io.switchboard.api.EventHandler;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.internal.delivery.DeliveryPipeline;
import io.switchboard.core.internal.trigger.FiringGate;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Delivers on the thread that routes the event (the bus's delivery thread). A synchronous sink finishes before
 * routing moves on and costs no allocation here; a sink that completes later makes the event's acknowledgement wait
 * for it, and fails it when the firing was left unsettled (see {@link Tracker#done(Throwable)}). (Batching and
 * debounce need asynchronous delivery; the builder refuses them inline.)
 */
final class InlineDispatch extends SubscriberDispatch {

    InlineDispatch(Trigger trigger, Subscriber subscriber, FiringGate gate, DeliveryPipeline pipeline,
                   SubscriberCounters counters, Sink.Invoker direct) {
        super(trigger, subscriber, gate, pipeline, counters, direct);
    }

    @Override
    Tracker fire(CloudEvent event, Map<String, CloudEvent> events, Tracker tracker) {
        return settle(event, run(event, events), tracker);
    }

    /**
     * The fast path of a plain event handler: one call, and on success one counter ({@code completedInline}, which
     * stands for received, matched, fired and delivered). A failure is counted the ordinary way and handed to the
     * pipeline as in {@link #run}.
     */
    @Override
    Tracker fireAlone(CloudEvent event, Tracker tracker) {
        EventHandler h = handler;
        if (h == null) {
            return super.fireAlone(event, tracker);
        }
        try {
            h.handle(event);
        } catch (Throwable t) {
            countFired();
            return settle(event, afterFirstAttempt(firing(event, null), null, t), tracker);
        }
        counters.completedInline.increment();
        return tracker;
    }

    private Tracker settle(CloudEvent event, CompletionStage<CloudEvent> stage, Tracker tracker) {
        if (Stages.completedNormally(stage)) {
            return tracker;
        }
        Tracker t = tracker == null ? new Tracker(event) : tracker;
        t.add();
        outstanding.increment();
        stage.whenComplete((reply, failure) -> {
            finished();
            t.done(failure);
        });
        return t;
    }

    @Override
    public long queueDepth() {
        return 0;
    }
}
