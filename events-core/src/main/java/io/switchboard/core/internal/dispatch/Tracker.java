package io.switchboard.core.internal.dispatch;

import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.SwitchboardException;
import io.switchboard.core.internal.delivery.DeadLetterException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * Tracks one routed event until every firing it caused is finished (or, for a subscriber whose pipeline defers
 * completion, accepted into its batch or debounce buffer), so that the bus acknowledges it only then; it is
 * itself the stage handed back to the bus (one object per event, not a counter plus a future). Allocated only when
 * an event causes asynchronous work; synchronous dispatch returns a shared completed stage. The dispatching thread
 * holds the count up until {@link #seal()}, so the result cannot complete half-way through routing.
 *
 * <p>Not final only for {@link CorrelationHop.HeldTurn}, the tracker of an event routed with its bus acknowledgement
 * to a correlation hop; the plain dispatch path allocates only this class.
 */
class Tracker extends CompletableFuture<Void> implements BiConsumer<Object, Throwable> {

    private static final VarHandle PENDING;
    private static final VarHandle FAILURE;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(Tracker.class, "pending", int.class);
            FAILURE = MethodHandles.lookup().findVarHandle(Tracker.class, "failure", SwitchboardException.class);
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
    /**
     * Why the event must not be acknowledged: a subscriber refused a firing (full queue), or a firing was given up and
     * its dead-letter sink failed too. The first one wins (CAS: firings finish on many threads); later rejections are
     * attached to it as suppressed.
     */
    @SuppressWarnings("unused") // through FAILURE
    private volatile SwitchboardException failure;

    private static final int HOLD = 1 << 30;

    Tracker(io.cloudevents.CloudEvent event) {
        this.event = event;
    }

    /** One more firing to wait for (dispatching thread only; costs no atomic operation). */
    void add() {
        added++;
    }

    /** A firing could not be queued; the event's stage fails once the accepted ones finished. */
    void reject(PublishRejectedException rejected) {
        fail(rejected);
    }

    private void fail(SwitchboardException cause) {
        if (!FAILURE.compareAndSet(this, null, cause)) {
            SwitchboardException first = (SwitchboardException) FAILURE.getVolatile(this);
            // only exceptions made for this event are amended; a dead-letter failure may be shared by a whole batch
            if (cause instanceof PublishRejectedException && first instanceof PublishRejectedException && first != cause) {
                first.addSuppressed(cause);
            }
        }
    }

    /**
     * A firing finished with {@code outcome} ({@code null}: success). A {@link DeadLetterException} means the firing
     * was neither delivered nor dead-lettered: the event's stage then fails, so the bus redelivers it. Any other
     * failure was settled by the pipeline (dead-lettered, or logged and counted) and acknowledges like a success.
     */
    void done(Throwable outcome) {
        DeadLetterException unsettled = unsettled(outcome);
        if (unsettled != null) {
            fail(unsettled);
        }
        done();
    }

    /** The {@link DeadLetterException} behind {@code outcome}, or {@code null} when the outcome settled the firing. */
    static DeadLetterException unsettled(Throwable outcome) {
        Throwable t = outcome;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof DeadLetterException dl ? dl : null;
    }

    /** A firing finished (delivered or given up). */
    void done() {
        if ((int) PENDING.getAndAdd(this, -1) == 1) {
            finish();
        }
    }

    private void finish() {
        SwitchboardException cause = (SwitchboardException) FAILURE.getVolatile(this);
        if (cause == null) {
            complete(null);
        } else {
            completeExceptionally(cause);
        }
    }

    /** Completion callback form of {@link #done(Throwable)}, so registering it allocates no lambda. */
    @Override
    public void accept(Object ignored, Throwable outcome) {
        done(outcome);
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
