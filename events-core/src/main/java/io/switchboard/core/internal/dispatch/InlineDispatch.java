package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;
import io.switchboard.api.EventHandler;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.internal.delivery.DeliveryPipeline;
import io.switchboard.core.internal.trigger.FiringGate;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Delivers on the thread that routes the event (the bus's delivery thread). A synchronous sink finishes before
 * routing moves on and costs no allocation here; a sink that completes later makes the event's acknowledgement wait
 * for it.
 */
final class InlineDispatch extends SubscriberDispatch {

    /** The sink's invoker when the subscriber qualifies for {@link FirstAttempt}, else {@code null}. */
    private final Sink.Invoker direct;
    /** The plain event handler behind {@code direct}, when the sink has one: called without building a firing. */
    private final EventHandler handler;

    InlineDispatch(Trigger trigger, Subscriber subscriber, FiringGate gate, DeliveryPipeline pipeline,
                   SubscriberCounters counters, Sink.Invoker direct) {
        super(trigger, subscriber, gate, pipeline, counters);
        this.direct = direct;
        this.handler = direct != null && subscriber.sink() instanceof Sink.Invoke invoke ? invoke.eventHandler() : null;
    }

    @Override
    Tracker fire(String input, CloudEvent event, Map<String, CloudEvent> events, Tracker tracker) {
        if (handler == null) {
            return super.fire(input, event, events, tracker);
        }
        try {
            handler.handle(event);
        } catch (Throwable t) {
            return afterFirstAttempt(new Firing(trigger, subscriber, event, events, List.of(event)), null, t, tracker);
        }
        counters.delivered.increment();
        return tracker;
    }

    @Override
    Tracker accept(Firing firing, Tracker tracker) {
        if (direct == null) {
            return viaPipeline(firing, tracker);
        }
        // Written without a variable that merges "no stage" with the stage, so that the compiler can prove the
        // stage and the firing never escape on the fast path and allocate neither.
        CompletionStage<CloudEvent> first;
        try {
            first = direct.invoke(firing);
        } catch (Throwable t) {
            return afterFirstAttempt(firing, null, t, tracker);
        }
        if (Stages.completedNormally(first)) {
            counters.delivered.increment();
            return tracker;
        }
        return afterFirstAttempt(firing, first, null, tracker);
    }

    /** The first attempt failed or is still running: the pipeline takes over, replaying that attempt's outcome. */
    private Tracker afterFirstAttempt(Firing firing, CompletionStage<CloudEvent> first, Throwable failure,
                                      Tracker tracker) {
        FirstAttempt.handOver(firing, first, failure);
        try {
            return viaPipeline(firing, tracker);
        } finally {
            FirstAttempt.clear();
        }
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
