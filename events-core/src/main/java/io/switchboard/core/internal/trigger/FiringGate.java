package io.switchboard.core.internal.trigger;

import io.cloudevents.CloudEvent;

import java.util.Map;

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

    /**
     * Releases any scheduled work (window sweep, cron reset). Held events are left to a replacement gate that shares
     * them (see {@link FiringGates#create(io.switchboard.api.Trigger, io.switchboard.api.Subscriber,
     * io.switchboard.api.Scheduler, io.switchboard.core.internal.SubscriberCounters, FiringGate)}); a late offer still
     * works. Idempotent.
     */
    default void close() {
    }
}
