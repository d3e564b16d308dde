package io.switchboard.core.internal.delivery;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Firing;

import java.util.concurrent.CompletionStage;

/**
 * Delivers the firings of one subscriber to its sink under its delivery policy: attempts, per-attempt timeout,
 * retries with backoff, dead letter, and the opt-in rate limit, batching and debounce. Thread-safe.
 */
public interface DeliveryPipeline {

    /**
     * Delivers one firing. Never throws. Unless the subscriber batches, debounces or its rate limit makes the firing
     * wait, the first attempt runs on the calling thread before this returns (the dispatcher's inline fast path relies
     * on that).
     *
     * @return a stage that completes when the firing is finished: normally with the sink's reply ({@code null} for
     *         none) once an attempt succeeded, or exceptionally with the last failure once it was given up (it has then
     *         been dead-lettered, or logged and counted when there is no dead-letter sink)
     */
    CompletionStage<CloudEvent> deliver(Firing firing);

    /**
     * Whether {@link #deliver} stages may wait for later firings or for time to pass before they complete (the
     * subscriber batches or debounces). A caller that delivers a key's firings one after another must not wait for
     * such a stage before delivering the next firing, or a batch never fills and a debounced firing is never
     * superseded. The runtime acknowledges the event once such a firing was accepted, and keeps the stage only to know
     * when the firing finished (draining on close).
     */
    default boolean defersCompletion() {
        return false;
    }

    /**
     * Stops accepting new work, flushing pending batches and debounced events; in-flight retries continue.
     * Returns a stage that completes when everything accepted so far is finished.
     */
    CompletionStage<Void> close();
}
