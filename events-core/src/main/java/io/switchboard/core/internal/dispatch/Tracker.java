package io.switchboard.core.internal.dispatch;

import io.switchboard.api.PublishRejectedException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * Tracks one routed event until every firing it caused is finished, so that the bus acknowledges it only then; it is
 * itself the stage handed back to the bus (one object per event, not a counter plus a future). Allocated only when
 * an event causes asynchronous work; synchronous dispatch returns a shared completed stage. The dispatching thread
 * holds the count up until {@link #seal()}, so the result cannot complete half-way through routing.
 */
final class Tracker extends CompletableFuture<Void> implements BiConsumer<Object, Throwable> {

    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(Tracker.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The event being tracked; lanes of single-input subscribers queue the tracker itself as the firing. */
    final io.cloudevents.CloudEvent event;
    /**
     * {@code HOLD} while the dispatching thread routes the event, minus the firings finished so far; {@link #seal()}
     * swaps the hold for the number of firings added, so the count reaches zero exactly once, when everything is done.
     */
    @SuppressWarnings("unused") // through PENDING
    private volatile int pending = HOLD;
    /** Firings added so far; written by the dispatching thread only, before {@link #seal()}. */
    private int added;
    private volatile PublishRejectedException rejected;

    private static final int HOLD = 1 << 30;

    Tracker(io.cloudevents.CloudEvent event) {
        this.event = event;
    }

    /** One more firing to wait for (dispatching thread only; costs no atomic operation). */
    void add() {
        added++;
    }

    /** A firing could not be queued; the event's stage fails once the accepted ones finished. Dispatcher thread only. */
    void reject(PublishRejectedException failure) {
        PublishRejectedException first = rejected;
        if (first == null) {
            rejected = failure;
        } else {
            first.addSuppressed(failure);
        }
    }

    /** A firing finished (delivered or given up). */
    void done() {
        if ((int) PENDING.getAndAdd(this, -1) == 1) {
            finish();
        }
    }

    private void finish() {
        PublishRejectedException failure = rejected;
        if (failure == null) {
            complete(null);
        } else {
            completeExceptionally(failure);
        }
    }

    /** Completion callback form of {@link #done()}, so registering it allocates no lambda. */
    @Override
    public void accept(Object ignored, Throwable failure) {
        done();
    }

    /** Releases the dispatcher's hold and returns the event's stage. */
    CompletionStage<Void> seal() {
        int delta = added - HOLD;
        if ((int) PENDING.getAndAdd(this, delta) + delta == 0) {
            finish();
        }
        return this;
    }
}
