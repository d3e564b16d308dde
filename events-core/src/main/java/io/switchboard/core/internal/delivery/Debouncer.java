package io.switchboard.core.internal.delivery;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Firing;
import io.switchboard.api.Scheduler;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.internal.trigger.AttributeReader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Debounces a subscriber's firings per ordering key: a firing waits for {@code quiet}; a later firing of the same
 * key replaces it and restarts the wait; when the wait ends, only the latest firing is sent. Events without the
 * ordering key share one key.
 *
 * <p>Completion: a superseded firing is counted in {@code superseded} and its stage completes normally (with no
 * reply) when the firing that replaced it finished, whatever that outcome — it was not delivered, by design, but it
 * counts as outstanding until the event that stands for it was delivered or dead-lettered. The delivered firing's stage
 * completes with its own outcome.
 *
 * <p>Each key's pending slot is changed only inside {@link ConcurrentHashMap#compute}, which serialises per key.
 */
final class Debouncer {

    private static final Object NO_KEY = new Object();

    /** The pending firing of one key. Mutated only inside {@code compute} for its key. */
    private static final class Slot {
        Firing latest;
        CompletableFuture<CloudEvent> stage;
        final List<CompletableFuture<CloudEvent>> superseded = new ArrayList<>();
        Scheduler.Cancellable timer;
        long version;
    }

    private final Duration quiet;
    private final AttributeReader key;
    private final Scheduler scheduler;
    private final Executor executor;
    private final SubscriberCounters counters;
    private final Function<Outgoing, CompletableFuture<CloudEvent>> send;
    private final ConcurrentHashMap<Object, Slot> slots = new ConcurrentHashMap<>();

    Debouncer(Duration quiet, AttributeReader key, Scheduler scheduler, Executor executor, SubscriberCounters counters,
              Function<Outgoing, CompletableFuture<CloudEvent>> send) {
        this.quiet = quiet;
        this.key = key;
        this.scheduler = scheduler;
        this.executor = executor;
        this.counters = counters;
        this.send = send;
    }

    CompletableFuture<CloudEvent> add(Firing firing) {
        String value = key.read(firing.event());
        Object k = value == null ? NO_KEY : value;
        CompletableFuture<CloudEvent> stage = new CompletableFuture<>();
        slots.compute(k, (ignored, slot) -> {
            if (slot == null) {
                slot = new Slot();
            } else {
                slot.superseded.add(slot.stage);
                counters.superseded.increment();
                slot.timer.cancel();
            }
            slot.latest = firing;
            slot.stage = stage;
            long version = ++slot.version;
            slot.timer = scheduler.schedule(quiet, () -> quietEnded(k, version));
            return slot;
        });
        return stage;
    }

    /** Sends every pending firing now (used by close). */
    void flush() {
        for (Map.Entry<Object, Slot> entry : slots.entrySet()) {
            Slot[] taken = new Slot[1];
            slots.computeIfPresent(entry.getKey(), (k, slot) -> {
                slot.timer.cancel();
                taken[0] = slot;
                return null;
            });
            if (taken[0] != null) {
                dispatch(taken[0]);
            }
        }
    }

    private void quietEnded(Object k, long version) {
        Slot[] taken = new Slot[1];
        slots.computeIfPresent(k, (ignored, slot) -> {
            if (slot.version != version) {
                return slot; // superseded after this timer was due; the newer timer sends it
            }
            taken[0] = slot;
            return null;
        });
        if (taken[0] != null) {
            try {
                executor.execute(() -> dispatch(taken[0]));
            } catch (RejectedExecutionException e) {
                dispatch(taken[0]);
            }
        }
    }

    private void dispatch(Slot slot) {
        CompletableFuture<CloudEvent> done;
        try {
            done = send.apply(Outgoing.of(slot.latest));
        } catch (Throwable t) {
            done = CompletableFuture.failedFuture(t);
        }
        done.whenComplete((reply, failure) -> {
            for (CompletableFuture<CloudEvent> replaced : slot.superseded) {
                replaced.complete(null);
            }
            if (failure == null) {
                slot.stage.complete(reply);
            } else {
                slot.stage.completeExceptionally(failure);
            }
        });
    }
}
