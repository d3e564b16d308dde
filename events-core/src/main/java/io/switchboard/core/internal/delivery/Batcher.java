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
 * <p>A full batch is sent on the thread that completed it; a timed-out one on the executor. The open batch is guarded
 * by a small lock held only to append or take it — the sink is never called under it.
 */
final class Batcher {

    private record Pending(Firing firing, CompletableFuture<CloudEvent> stage) {
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
        List<Pending> full = null;
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
        List<Pending> batch;
        synchronized (lock) {
            batch = take();
        }
        if (!batch.isEmpty()) {
            dispatch(batch);
        }
    }

    private void expired(long batch) {
        List<Pending> taken;
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

    /** Must hold {@link #lock}. */
    private List<Pending> take() {
        List<Pending> taken = open;
        open = new ArrayList<>();
        generation++;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        return taken;
    }

    private void dispatch(List<Pending> batch) {
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
