package io.switchboard.core.internal.trigger;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Acknowledgement;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Decides, for one subscriber, whether an event that passed one of the trigger's input filters fires it.
 * Implementations are thread-safe; {@link #offer} may be called concurrently from many threads, and never blocks
 * (stateful gates update per-key snapshots by compare-and-set). Semantics: docs/triggers.md.
 */
public interface FiringGate {

    /**
     * Offers an event that passed the filter of input {@code input}.
     *
     * @return the contributing events by input name if this event makes the condition true (the subscriber fires
     *         once with them; the caller counts the firing), or {@code null} if it does not fire — including for an
     *         input the condition does not name, and for an event lacking the correlation attribute (counted as
     *         {@code uncorrelated})
     */
    Map<String, CloudEvent> offer(String input, CloudEvent event);

    /**
     * Whether every offer of {@code input} fires by itself with exactly {@code {input: event}} and changes no state, so
     * that the dispatch may skip {@link #offer} for it. Fixed for the gate's lifetime. {@code false} unless known.
     */
    default boolean firesAlone(String input) {
        return false;
    }

    /** Whether the gate keeps events between offers (a stateful condition: {@code &&} or {@code !}). */
    default boolean correlates() {
        return false;
    }

    /**
     * Offers an event delivered with a bus {@link Acknowledgement} (the cross-instance path, docs/scaling.md). The
     * caller has called {@link Acknowledgement#hold()}. While the gate holds the event it keeps the acknowledgement
     * with it and releases it when the event leaves the held state (replaced, expired, evicted, reset); the bus
     * returning it ({@code whenReturned}) drops it. Events the gate does not hold are released at once.
     *
     * @param parkedArrivalMillis for a re-parked copy: when the original first arrived (epoch millis), which the
     *                            copy keeps for {@code within}; {@code -1} for a fresh event
     * @return what fired, or {@code null}; the default offers the plain way and releases at once
     */
    default HeldOffer offerHeld(String input, CloudEvent event, Acknowledgement acknowledgement,
                                long parkedArrivalMillis) {
        acknowledgement.release();
        Map<String, CloudEvent> fired = offer(input, event);
        return fired == null ? null : new HeldOffer(fired, List.of());
    }

    /**
     * Re-publishes events held longer than {@code after} through {@code reparker} and releases their
     * acknowledgement, so that one long-held event keeps neither a partition from committing nor a restart from
     * replaying without limit. Only gates that hold do anything.
     */
    default void reparkAfter(Duration after, Reparker reparker) {
    }

    /** Whether {@code other} holds its events in the same store as this gate (a live replacement took them over). */
    default boolean sharesHeld(FiringGate other) {
        return false;
    }

    /** Events held right now (waiting for partners); 0 for a stateless gate. Costs a scan of the held keys. */
    default long heldEvents() {
        return 0;
    }

    /** Releases the acknowledgement of every held event and forgets them (the subscriber was removed). */
    default void releaseHeld() {
    }

    /**
     * Puts back a held event that a firing consumed when that firing could not be settled (queue full, dead-letter
     * sink failed), so that the redelivered event that fired finds its partners again. Only into an empty slot: a
     * newer event of the input wins and {@code acknowledgement} is released. The default releases it.
     */
    default void restoreHeld(String input, CloudEvent event, Acknowledgement acknowledgement) {
        acknowledgement.release();
    }

    /**
     * The firing that {@code event} (of {@code input}) completed could not be settled, so the bus redelivers it: the
     * gate must not take the redelivered copy for a duplicate of what fired.
     */
    default void forgetConsumed(String input, CloudEvent event) {
    }

    /**
     * What an offer with an acknowledgement fired.
     *
     * @param fired              the contributing events by input
     * @param releaseAfterFiring the contributing events the gate held, with their acknowledgements: the caller
     *                           releases them once the firing's delivery finished, or {@link #restoreHeld restores}
     *                           them when it could not be settled
     */
    record HeldOffer(Map<String, CloudEvent> fired, List<HeldEvent> releaseAfterFiring) {
    }

    /** A held event, its input and its bus acknowledgement. */
    record HeldEvent(String input, CloudEvent event, Acknowledgement acknowledgement) {
    }

    /** Re-publishes a long-held event to the bus as a re-parked copy. */
    @FunctionalInterface
    interface Reparker {
        /**
         * @param arrivedMillis when the event first arrived (epoch millis), carried by the copy
         * @return a stage completing when the bus accepted the copy
         */
        CompletionStage<Void> repark(String input, CloudEvent event, long arrivedMillis);
    }

    /**
     * Releases any scheduled work (window sweep, cron reset). Held events are left to a replacement gate that shares
     * them (see {@link FiringGates#create(io.switchboard.api.Trigger, io.switchboard.api.Subscriber,
     * io.switchboard.api.Scheduler, io.switchboard.core.internal.SubscriberCounters, FiringGate)}); a late offer still
     * works. Idempotent.
     */
    default void close() {
    }
}
