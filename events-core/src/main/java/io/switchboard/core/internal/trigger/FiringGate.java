package io.switchboard.core.internal.trigger;

import io.cloudevents.CloudEvent;

import java.util.Map;

/**
 * Decides, for one subscriber, whether an event that passed one of the trigger's input filters fires it.
 * Implementations are thread-safe; {@link #offer} may be called concurrently from many threads.
 */
public interface FiringGate {

    /**
     * Offers an event that passed the filter of input {@code input}.
     *
     * @return the contributing events by input name if this event makes the condition true (the subscriber fires
     *         once with them), or {@code null} if it does not fire
     */
    Map<String, CloudEvent> offer(String input, CloudEvent event);

    /** Releases any scheduled work (window expiry, cron reset). Idempotent. */
    default void close() {
    }
}
