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
     * Delivers one firing. Never throws.
     *
     * @return a stage that completes when the firing is finished: normally with the sink's reply ({@code null} for
     *         none) once an attempt succeeded, or exceptionally with the last failure once it was given up (it has then
     *         been dead-lettered, or logged and counted when there is no dead-letter sink)
     */
    CompletionStage<CloudEvent> deliver(Firing firing);

    /**
     * Stops accepting new work, flushing pending batches and debounced events; in-flight retries continue.
     * Returns a stage that completes when everything accepted so far is finished.
     */
    CompletionStage<Void> close();
}
