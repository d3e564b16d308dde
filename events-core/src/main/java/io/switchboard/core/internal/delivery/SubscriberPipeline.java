package io.switchboard.core.internal.delivery;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Firing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A subscriber's delivery pipeline: the optional batching or debounce stage in front of {@link Attempts}, and the
 * bookkeeping that lets {@link #close()} report when everything accepted has finished.
 *
 * <p>Firings offered after {@code close()} are still delivered, one by one without batching or debounce: the runtime
 * may race a last firing against a replacement, and that firing must not be lost.
 */
final class SubscriberPipeline implements DeliveryPipeline {

    private final Attempts attempts;
    private final Batcher batcher;
    private final Debouncer debouncer;
    private final AtomicLong inFlight = new AtomicLong();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean closed;

    SubscriberPipeline(Attempts attempts, Batcher batcher, Debouncer debouncer) {
        this.attempts = attempts;
        this.batcher = batcher;
        this.debouncer = debouncer;
    }

    @Override
    public CompletionStage<CloudEvent> deliver(Firing firing) {
        inFlight.incrementAndGet();
        CompletableFuture<CloudEvent> stage;
        try {
            if (closed || (batcher == null && debouncer == null)) {
                stage = attempts.send(Outgoing.of(firing));
            } else if (batcher != null) {
                stage = batcher.add(firing);
            } else {
                stage = debouncer.add(firing);
            }
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
        }
        stage.whenComplete((reply, failure) -> {
            if (inFlight.decrementAndGet() == 0 && closed) {
                drained.complete(null);
            }
        });
        return stage;
    }

    @Override
    public boolean defersCompletion() {
        return batcher != null || debouncer != null;
    }

    @Override
    public CompletionStage<Void> close() {
        closed = true;
        if (batcher != null) {
            batcher.flush();
        }
        if (debouncer != null) {
            debouncer.flush();
        }
        if (inFlight.get() == 0) {
            drained.complete(null);
        }
        return drained.minimalCompletionStage();
    }
}
