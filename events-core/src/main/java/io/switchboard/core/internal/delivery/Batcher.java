package io.switchboard.core.internal.delivery;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Firing;
import io.switchboard.api.Scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Collects a subscriber's firings into batches of up to {@code maxSize}, sending a batch when it is full or
 * {@code maxWait} after its first firing, whichever comes first. The sink receives one {@link Firing} whose
 * {@code batch()} lists the completing event of each constituent in arrival order (its {@code event()} and
 * {@code events()} are those of the last constituent). Each constituent's stage completes when its batch finished:
 * with the batch's reply, or with its failure.
 *
 * <p>Batches are delivered one at a time, in the order they closed, so a batching subscriber keeps the order of its
 * firings: a batch that closes while the previous one is still being delivered (or retried) waits for it. A full
 * batch is sent on the thread that completed it, a timed-out one on the executor, a waiting one on the thread that
 * finished its predecessor. The open batch is guarded by a small lock held only to append or take it — the sink is
 * never called under it.
 */
final class Batcher {

    private record Pending(Firing firing, CompletableFuture<CloudEvent> stage) {
    }

    /** A closed batch, the batch before it, and what completes when this one finished. */
    private record Closed(List<Pending> items, CompletableFuture<?> before, CompletableFuture<Void> finished) {
    }

    private final String trigger;
    private final String subscriber;
    private final int maxSize;
    private final Duration maxWait;
    private final Scheduler scheduler;
    private final Executor executor;
    private final Function<Outgoing, CompletableFuture<CloudEvent>> send;

    private final Object lock = new Object();
    private List<Pending> open = new ArrayList<>();
    private Scheduler.Cancellable timer;
    private long generation;
    /** Completes when the last closed batch finished; the next one is sent after it. Guarded by {@link #lock}. */
    private CompletableFuture<?> previous = CompletableFuture.completedFuture(null);

    Batcher(String trigger, String subscriber, int maxSize, Duration maxWait, Scheduler scheduler, Executor executor,
            Function<Outgoing, CompletableFuture<CloudEvent>> send) {
        this.trigger = trigger;
        this.subscriber = subscriber;
        this.maxSize = maxSize;
        this.maxWait = maxWait;
        this.scheduler = scheduler;
        this.executor = executor;
        this.send = send;
    }

    CompletableFuture<CloudEvent> add(Firing firing) {
        Pending pending = new Pending(firing, new CompletableFuture<>());
        Closed full = null;
        synchronized (lock) {
            open.add(pending);
            if (open.size() >= maxSize) {
                full = take();
            } else if (open.size() == 1) {
                long batch = ++generation;
                timer = scheduler.schedule(maxWait, () -> expired(batch));
            }
        }
        if (full != null) {
            dispatch(full);
        }
        return pending.stage;
    }

    /** Sends the open batch now (used by close). */
    void flush() {
        Closed batch;
        synchronized (lock) {
            batch = open.isEmpty() ? null : take();
        }
        if (batch != null) {
            dispatch(batch);
        }
    }

    private void expired(long batch) {
        Closed taken;
        synchronized (lock) {
            if (batch != generation || open.isEmpty()) {
                return; // that batch was sent when it filled up (or flushed); this timer is stale
            }
            taken = take();
        }
        try {
            executor.execute(() -> dispatch(taken));
        } catch (RejectedExecutionException e) {
            dispatch(taken);
        }
    }

    /** Closes the open batch and puts it in line behind the previous one. Must hold {@link #lock}. */
    private Closed take() {
        Closed closed = new Closed(open, previous, new CompletableFuture<>());
        previous = closed.finished;
        open = new ArrayList<>();
        generation++;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        return closed;
    }

    private void dispatch(Closed batch) {
        batch.before.whenComplete((ignored, alsoIgnored) -> send(batch.items, batch.finished));
    }

    private void send(List<Pending> batch, CompletableFuture<Void> finished) {
        List<Firing> firings = new ArrayList<>(batch.size());
        List<CloudEvent> events = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            firings.add(p.firing);
            events.add(p.firing.event());
        }
        Firing last = firings.get(firings.size() - 1);
        Firing combined = new Firing(trigger, subscriber, last.event(), last.events(), events);
        CompletableFuture<CloudEvent> done;
        try {
            done = send.apply(new Outgoing(combined, List.copyOf(firings)));
        } catch (Throwable t) {
            done = CompletableFuture.failedFuture(t);
        }
        done.whenComplete((reply, failure) -> {
            finished.complete(null);
            for (Pending p : batch) {
                if (failure == null) {
                    p.stage.complete(reply);
                } else {
                    p.stage.completeExceptionally(failure);
                }
            }
        });
    }
}
