package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Firing;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One ordered lane of an asynchronous subscriber: an {@link MpscRing} of firings and a drain task. The
 * {@code scheduled} flag, flipped by CAS, guarantees a single drainer; the drainer clears it when the ring is empty
 * and re-checks, so an offer racing with the clear is never stranded. A firing whose stage is not complete when the
 * pipeline returns suspends the drain (so a retry is never overtaken by a later firing of its key); the stage's
 * completion resubmits it. Pipelines that batch or debounce ({@code defersCompletion()}) are fed without waiting.
 */
final class Lane implements Runnable {

    private static final int BUDGET = 256;

    private final SubscriberDispatch owner;
    private final Executor executor;
    private final int capacity;
    /** Created on first use: thousands of subscribers that never fire cost no queue memory. */
    private volatile MpscRing<Task> ring;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final boolean deferring;

    Lane(SubscriberDispatch owner, Executor executor, int capacity) {
        this.owner = owner;
        this.executor = executor;
        this.capacity = MpscRing.slotsFor(capacity);
        this.deferring = owner.pipeline.defersCompletion();
    }

    boolean offer(Task task) {
        MpscRing<Task> r = ring;
        if (r == null) {
            r = createRing();
        }
        if (!r.offer(task)) {
            return false;
        }
        if (scheduled.compareAndSet(false, true)) {
            submit();
        }
        return true;
    }

    int size() {
        MpscRing<Task> r = ring;
        return r == null ? 0 : r.size();
    }

    int capacity() {
        return capacity;
    }

    private synchronized MpscRing<Task> createRing() {
        MpscRing<Task> r = ring;
        if (r == null) {
            r = new MpscRing<>(capacity);
            ring = r;
        }
        return r;
    }

    @Override
    public void run() {
        MpscRing<Task> ring = this.ring; // set before the first offer that scheduled this drain
        int budget = BUDGET;
        while (true) {
            Task task = ring.poll();
            if (task == null) {
                scheduled.set(false);
                if (!ring.isEmpty() && scheduled.compareAndSet(false, true)) {
                    continue;
                }
                return;
            }
            CompletionStage<CloudEvent> stage = owner.deliver(task.firing);
            if (Stages.isDone(stage)) {
                task.finish(owner);
                if (--budget == 0) {
                    submit(); // give other lanes a turn on the executor
                    return;
                }
                continue;
            }
            if (deferring) {
                // a batching/debouncing pipeline completes this stage only after later firings: keep going, and
                // acknowledge the event when it completes
                stage.whenComplete((reply, failure) -> task.finish(owner));
                continue;
            }
            stage.whenComplete((reply, failure) -> {
                task.finish(owner);
                submit();
            });
            return;
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

    /** A queued firing and the tracker of the event that caused it. */
    record Task(Firing firing, Tracker tracker) {
        void finish(SubscriberDispatch owner) {
            owner.finished();
            tracker.done();
        }
    }
}
