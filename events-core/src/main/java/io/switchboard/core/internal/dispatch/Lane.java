package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One ordered lane of an asynchronous subscriber: an {@link MpscRing} of firings and a drain task. The
 * {@code scheduled} flag, flipped by CAS, guarantees a single drainer; the drainer clears it when the ring is empty
 * and re-checks, so an offer racing with the clear is never stranded. A firing whose stage is not complete when the
 * pipeline returns suspends the drain (so a retry is never overtaken by a later firing of its key); the stage's
 * completion resubmits it. Pipelines that batch or debounce ({@code defersCompletion()}) are fed without waiting, and
 * the event's acknowledgement counts such a firing as done once the pipeline accepted it.
 */
final class Lane implements Runnable {

    private static final int BUDGET = 256;

    private final SubscriberDispatch owner;
    private final Executor executor;
    private final int capacity;
    /** Created on first use: thousands of subscribers that never fire cost no queue memory. */
    private volatile MpscRing<Object> ring;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final boolean deferring;

    Lane(SubscriberDispatch owner, Executor executor, int capacity) {
        this.owner = owner;
        this.executor = executor;
        this.capacity = MpscRing.slotsFor(capacity);
        this.deferring = owner.pipeline.defersCompletion();
    }

    /** Queues a {@link Task}, or a {@link Tracker} standing for the single-input firing of its event. */
    boolean offer(Object task) {
        MpscRing<Object> r = ring;
        if (r == null) {
            r = createRing();
        }
        if (!r.offer(task)) {
            return false;
        }
        // a plain read first: while a drain runs, the flag stays set and a failing CAS would still claim its line
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            submit();
        }
        return true;
    }

    int size() {
        MpscRing<Object> r = ring;
        return r == null ? 0 : r.size();
    }

    int capacity() {
        return capacity;
    }

    private synchronized MpscRing<Object> createRing() {
        MpscRing<Object> r = ring;
        if (r == null) {
            r = new MpscRing<>(capacity);
            ring = r;
        }
        return r;
    }

    @Override
    public void run() {
        MpscRing<Object> ring = this.ring; // set before the first offer that scheduled this drain
        int budget = BUDGET;
        while (true) {
            Object entry = ring.poll();
            if (entry == null) {
                scheduled.set(false);
                if (!ring.isEmpty() && scheduled.compareAndSet(false, true)) {
                    continue;
                }
                return;
            }
            Tracker tracker;
            CompletionStage<CloudEvent> stage;
            if (entry instanceof Tracker t) {
                tracker = t;
                stage = owner.run(t.event, null);
            } else {
                Task task = (Task) entry;
                tracker = task.tracker;
                stage = owner.run(task.event, task.events);
            }
            if (Stages.completedNormally(stage)) {
                finish(tracker);
            } else if (Stages.isDone(stage)) {
                owner.finished();
                stage.whenComplete(tracker); // failed already: records now whether the failure was settled
            } else if (deferring) {
                // Accepted into the batch/debounce buffer, which completes this stage only after later firings or
                // time: that acceptance is this subscriber's share of the event's acknowledgement (holding it would
                // keep the bus from handing out the key's next event, so a batch would never fill). The firing stays
                // outstanding until its batch finished, so retire/close still drain it. See docs/triggers.md.
                tracker.done();
                stage.whenComplete((reply, failure) -> {
                    owner.finished();
                    if (Tracker.unsettled(failure) != null) {
                        SubscriberDispatch.log.error("subscriber {}: the dead-letter sink failed for a batched or"
                                + " debounced firing of event {}, which was acknowledged when it entered the buffer;"
                                + " it is not redelivered", owner, tracker.event.getId());
                    }
                });
            } else {
                stage.whenComplete((reply, failure) -> {
                    finish(tracker, failure);
                    submit();
                });
                return;
            }
            if (--budget == 0) {
                submit(); // give other lanes a turn on the executor
                return;
            }
        }
    }

    private void submit() {
        try {
            executor.execute(this);
        } catch (RejectedExecutionException e) {
            // the executor is shutting down: what is left stays queued and is reported as undrained
            scheduled.set(false);
            SubscriberDispatch.log.warn("executor refused lane of subscriber {}; {} firing(s) stay queued", owner,
                    size());
        }
    }

    private void finish(Tracker tracker) {
        owner.finished();
        tracker.done();
    }

    private void finish(Tracker tracker, Throwable failure) {
        owner.finished();
        tracker.done(failure);
    }

    /** A queued multi-input firing (its completing event and contributing events) and its event's tracker. */
    record Task(CloudEvent event, Map<String, CloudEvent> events, Tracker tracker) {
    }
}
