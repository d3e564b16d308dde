package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Acknowledgement;
import io.switchboard.api.EventHandler;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.internal.delivery.DeliveryPipeline;
import io.switchboard.core.internal.trigger.FiringGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

/**
 * The dispatch side of one subscriber: offers events that passed an input filter to its {@link FiringGate}, and hands
 * each firing to its {@link DeliveryPipeline} — on the calling thread ({@link Subscriber#inline()}) or through
 * ordered, bounded lanes. Never lets a handler failure escape: the pipeline logs and counts those, and anything that
 * still escapes it is caught here, logged and counted as failed.
 */
public abstract class SubscriberDispatch {

    static final Logger log = LoggerFactory.getLogger(SubscriberDispatch.class);

    final String trigger;
    final String subscriber;
    final FiringGate gate;
    final DeliveryPipeline pipeline;
    final SubscriberCounters counters;
    private final boolean replies;
    /** The sink's invoker when the subscriber qualifies for {@link FirstAttempt}, else {@code null}. */
    private final Sink.Invoker direct;
    /** The plain event handler behind {@code direct}, when the sink has one: called without building a firing. */
    final EventHandler handler;
    /** The trigger's input when it has only one: a firing's contributing events are then just {input: event}. */
    final String onlyInput;
    /**
     * Whether the gate fires every event of {@link #onlyInput} by itself, without state (see
     * {@link FiringGate#firesAlone}): the gate is then not asked, and no contributing-events map is built.
     */
    final boolean firesAlone;
    /** Firings accepted and not yet finished (only those not finished synchronously are counted). */
    // striped: the publishing thread adds, the delivering thread subtracts; one shared word would bounce between them
    final LongAdder outstanding = new LongAdder();
    private volatile CompletableFuture<Void> drained;
    /**
     * The first hop of the cross-instance path, or {@code null}: offers go straight to the gate (one instance, or a
     * bus that is not shared durably). Set once before the dispatch is installed (the routing table's publication
     * makes it visible).
     */
    private CorrelationHop hop;

    SubscriberDispatch(Trigger trigger, Subscriber subscriber, FiringGate gate, DeliveryPipeline pipeline,
                       SubscriberCounters counters, Sink.Invoker direct) {
        this.trigger = trigger.name();
        this.subscriber = subscriber.name();
        this.gate = gate;
        this.pipeline = pipeline;
        this.counters = counters;
        this.replies = subscriber.sink() instanceof Sink.Invoke invoke && invoke.replies();
        this.direct = direct;
        this.handler = direct != null && subscriber.sink() instanceof Sink.Invoke invoke ? invoke.eventHandler() : null;
        this.onlyInput = trigger.inputs().size() == 1 ? trigger.inputs().keySet().iterator().next() : null;
        this.firesAlone = onlyInput != null && gate.firesAlone(onlyInput);
    }

    /**
     * Creates the dispatch of {@code subscriber}: inline when it asks for it, else asynchronous lanes running on
     * {@code executor}.
     */
    public static SubscriberDispatch create(Trigger trigger, Subscriber subscriber, FiringGate gate,
                                            DeliveryPipeline pipeline, SubscriberCounters counters, Executor executor) {
        return create(trigger, subscriber, gate, pipeline, counters, executor, null);
    }

    /**
     * As {@link #create(Trigger, Subscriber, FiringGate, DeliveryPipeline, SubscriberCounters, Executor)}, with the
     * inline fast path: {@code direct} is the sink's own invoker, and {@code pipeline} must have been created with
     * {@link FirstAttempt#replaying} around it (see {@link FirstAttempt}). {@code null}: no fast path.
     */
    public static SubscriberDispatch create(Trigger trigger, Subscriber subscriber, FiringGate gate,
                                            DeliveryPipeline pipeline, SubscriberCounters counters, Executor executor,
                                            Sink.Invoker direct) {
        SubscriberDispatch dispatch = subscriber.inline()
                ? new InlineDispatch(trigger, subscriber, gate, pipeline, counters, direct)
                : new AsyncDispatch(trigger, subscriber, gate, pipeline, counters, executor, direct);
        counters.queueDepth(dispatch::queueDepth);
        return dispatch;
    }

    public String trigger() {
        return trigger;
    }

    public String subscriber() {
        return subscriber;
    }

    public SubscriberCounters counters() {
        return counters;
    }

    /** Whether the sink answers requests. */
    public boolean replies() {
        return replies;
    }

    public FiringGate gate() {
        return gate;
    }

    /** Routes this subscriber's inputs through {@code hop} (see {@link CorrelationHop}); before installation only. */
    public void rekeyThrough(CorrelationHop hop) {
        this.hop = hop;
    }

    /** The first hop of the cross-instance path, or {@code null}. */
    public CorrelationHop hop() {
        return hop;
    }

    public DeliveryPipeline pipeline() {
        return pipeline;
    }

    /** Firings waiting in queues right now. */
    public abstract long queueDepth();

    /** Firings accepted and not finished yet (queued or in delivery). */
    public long undrained() {
        return Math.max(0, outstanding.sum());
    }

    /**
     * Where events whose data failed their input's schema go (set once before installation, like {@link #hop}); with
     * none, such events are only logged.
     */
    private io.switchboard.core.internal.delivery.Rejections rejections;

    /** Dead-letters events refused by an input's schema through {@code rejections}; before installation only. */
    public void rejectInvalidDataThrough(io.switchboard.core.internal.delivery.Rejections rejections) {
        this.rejections = rejections;
    }

    /**
     * An event that passed the filter of {@code input} but whose data the input's schema refused: it never reaches the
     * gate or the sink, only the dead letter. The event is acknowledged once the dead letter was handed over.
     */
    final Tracker reject(String input, CloudEvent event, io.switchboard.api.InvalidDataException why, Tracker tracker) {
        counters.received.increment();
        io.switchboard.core.internal.delivery.Rejections r = rejections;
        if (r == null) {
            counters.failed.increment();
            log.warn("subscriber '{}' of trigger '{}': event {} of input '{}' is refused: {}", subscriber, trigger,
                    event.getId(), input, why.getMessage());
            return tracker;
        }
        CompletableFuture<Void> stage = r.reject(input, event, why);
        if (stage.isDone() && !stage.isCompletedExceptionally()) {
            return tracker;
        }
        Tracker t = tracker == null ? new Tracker(event) : tracker;
        t.add();
        outstanding.increment();
        stage.whenComplete((ok, failure) -> {
            finished();
            t.done(failure);
        });
        return t;
    }

    /**
     * Offers an event that passed the filter of {@code input}. Returns the tracker to use for the rest of this event
     * (created here if this subscriber left asynchronous work behind), or {@code tracker} unchanged.
     */
    final Tracker offer(String input, CloudEvent event, Tracker tracker) {
        if (firesAlone && input.equals(onlyInput)) {
            return fireAlone(event, tracker);
        }
        CorrelationHop h = hop;
        if (h != null) {
            return h.forward(this, input, event, tracker);
        }
        counters.received.increment();
        counters.matched.increment();
        Map<String, CloudEvent> events;
        try {
            events = gate.offer(input, event);
        } catch (Throwable t) {
            counters.failed.increment();
            log.error("condition of subscriber '{}' of trigger '{}' failed on event {}; event skipped for this"
                    + " subscriber", subscriber, trigger, event.getId(), t);
            return tracker;
        }
        if (events == null) {
            return tracker;
        }
        counters.fired.increment();
        return fire(event, events, tracker);
    }

    /**
     * Offers a copy from the subscriber's correlation topic (the second hop, see {@link CorrelationInlet}) with its
     * bus acknowledgement, which the caller has {@link Acknowledgement#hold() held}. Received and matched were counted
     * by the first hop. Returns the stage that ends the copy's turn: done at once unless it fired, else when the
     * firing's delivery finished; the held partners of a firing are released then, or put back into the gate when the
     * firing could not be settled (the bus redelivers the copy that fired, which then finds them again).
     */
    public final CompletionStage<Void> offerHeld(String input, CloudEvent event, Acknowledgement acknowledgement,
                                                 long parkedArrivalMillis) {
        FiringGate.HeldOffer offer;
        try {
            offer = gate.offerHeld(input, event, acknowledgement, parkedArrivalMillis);
        } catch (Throwable t) {
            counters.failed.increment();
            acknowledgement.release();
            log.error("condition of subscriber '{}' of trigger '{}' failed on event {}; event skipped for this"
                    + " subscriber", subscriber, trigger, event.getId(), t);
            return Stages.DONE;
        }
        if (offer == null) {
            return Stages.DONE;
        }
        counters.fired.increment();
        Tracker t = fire(event, offer.fired(), null);
        CompletionStage<Void> stage = t == null ? Stages.DONE : t.seal();
        List<FiringGate.HeldEvent> partners = offer.releaseAfterFiring();
        if (Stages.completedNormally(stage)) {
            partners.forEach(p -> p.acknowledgement().release());
        } else {
            stage.whenComplete((ok, failure) -> {
                if (failure != null) {
                    gate.forgetConsumed(input, event);
                }
                for (FiringGate.HeldEvent p : partners) {
                    if (failure == null) {
                        p.acknowledgement().release();
                    } else {
                        gate.restoreHeld(p.input(), p.event(), p.acknowledgement());
                    }
                }
            });
        }
        return stage;
    }

    /**
     * The event of {@link #onlyInput} passed the filter and fires alone ({@link #firesAlone}): counts it received,
     * matched and fired, and delivers it. Subclasses with a cheaper way to count may override.
     */
    Tracker fireAlone(CloudEvent event, Tracker tracker) {
        countFired();
        return fire(event, null, tracker);
    }

    /** Counts an event received, matched and fired. */
    final void countFired() {
        counters.received.increment();
        counters.matched.increment();
        counters.fired.increment();
    }

    /** The subscriber fired with {@code events} (completed by {@code event}): deliver now or queue. */
    abstract Tracker fire(CloudEvent event, Map<String, CloudEvent> events, Tracker tracker);

    /**
     * Delivers one firing ({@code events} {@code null}: a single-input firing, see {@link #onlyInput}): its first
     * attempt directly when {@link FirstAttempt} applies (no firing object is even
     * built for a plain event handler), else through the pipeline. Returns {@link Stages#DONE} when it finished
     * successfully on this thread, or the stage to wait for.
     */
    @SuppressWarnings("unchecked")
    final CompletionStage<CloudEvent> run(CloudEvent event, Map<String, CloudEvent> events) {
        if (handler != null) {
            try {
                handler.handle(event);
            } catch (Throwable t) {
                return afterFirstAttempt(firing(event, events), null, t);
            }
            counters.delivered.increment();
            return (CompletionStage<CloudEvent>) (CompletionStage<?>) Stages.DONE;
        }
        Firing firing = firing(event, events);
        if (direct == null) {
            return deliver(firing);
        }
        // written without a variable merging "no stage" with the stage, so that neither escapes on the fast path
        CompletionStage<CloudEvent> first;
        try {
            first = direct.invoke(firing);
        } catch (Throwable t) {
            return afterFirstAttempt(firing, null, t);
        }
        if (Stages.completedNormally(first)) {
            counters.delivered.increment();
            return (CompletionStage<CloudEvent>) (CompletionStage<?>) Stages.DONE;
        }
        return afterFirstAttempt(firing, first, null);
    }

    /** The first attempt failed or is still running: the pipeline takes over, replaying that attempt's outcome. */
    final CompletionStage<CloudEvent> afterFirstAttempt(Firing firing, CompletionStage<CloudEvent> first,
                                                         Throwable failure) {
        FirstAttempt.handOver(firing, first, failure);
        try {
            return deliver(firing);
        } finally {
            FirstAttempt.clear();
        }
    }

    /** {@code events} {@code null}: the single-input firing {onlyInput: event}. */
    final Firing firing(CloudEvent event, Map<String, CloudEvent> events) {
        return new Firing(trigger, subscriber, event, events != null ? events : Map.of(onlyInput, event),
                List.of(event));
    }

    /**
     * Runs this subscriber for a request: counts the event, offers it to the gate and, if it fires, runs the delivery
     * pipeline directly (bypassing the queue), returning its stage; {@code null} if the condition did not fire.
     */
    public CompletionStage<CloudEvent> request(String input, CloudEvent event) {
        counters.received.increment();
        counters.matched.increment();
        Map<String, CloudEvent> events = gate.offer(input, event);
        if (events == null) {
            return null;
        }
        counters.fired.increment();
        return deliver(new Firing(trigger, subscriber, event, events, List.of(event)));
    }

    /**
     * Retires this subscriber (replaced, removed, or the runtime is closing): once every accepted firing finished,
     * closes the pipeline (which finishes its own retries) and the gate. The stage completes when all of that is done.
     */
    public CompletionStage<Void> retire() {
        if (pipeline.defersCompletion()) {
            // firings in an open batch or debounce window finish only when it is flushed: flush first (firings still
            // queued in lanes are then delivered one by one, see SubscriberPipeline), then wait for everything
            CompletionStage<Void> closed = closePipeline();
            return whenDrained().thenCombine(closed, (a, b) -> (Void) null).thenRun(gate::close);
        }
        return whenDrained().thenCompose(v -> {
            gate.close();
            return closePipeline();
        });
    }

    private CompletionStage<Void> closePipeline() {
        try {
            return pipeline.close();
        } catch (Throwable t) {
            log.error("closing the delivery pipeline of subscriber {} failed", this, t);
            return Stages.DONE;
        }
    }

    /** Runs the pipeline for a firing, containing anything it throws. */
    final CompletionStage<CloudEvent> deliver(Firing firing) {
        try {
            CompletionStage<CloudEvent> stage = pipeline.deliver(firing);
            return stage == null ? Stages.failed(new NullPointerException("pipeline returned null")) : stage;
        } catch (Throwable t) {
            counters.failed.increment();
            log.error("delivery pipeline of subscriber '{}' of trigger '{}' threw on event {}", subscriber, trigger,
                    firing.event().getId(), t);
            return Stages.failed(t);
        }
    }

    /** A firing counted in {@link #outstanding} finished. */
    final void finished() {
        outstanding.decrement();
        CompletableFuture<Void> d = drained;
        if (d != null && outstanding.sum() <= 0) {
            d.complete(null);
        }
    }

    /**
     * A stage that completes when every firing accepted so far has finished. Used when the subscriber is being
     * retired (replaced, removed, runtime closing); late firings from a dispatch that read the old routing table
     * are still delivered.
     */
    public final CompletionStage<Void> whenDrained() {
        CompletableFuture<Void> d = drained;
        if (d == null) {
            synchronized (this) {
                d = drained;
                if (d == null) {
                    d = new CompletableFuture<>();
                    drained = d;
                }
            }
        }
        if (outstanding.sum() <= 0) {
            d.complete(null);
        }
        return d;
    }

    @Override
    public String toString() {
        return trigger + "/" + subscriber;
    }
}
