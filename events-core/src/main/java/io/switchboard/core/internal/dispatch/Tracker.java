package io.switchboard.core.internal.dispatch;

import io.switchboard.api.PublishRejectedException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Tracks one routed event until every firing it caused is finished, so that the bus acknowledges it only then.
 * Allocated only when an event causes asynchronous work; synchronous dispatch returns a shared completed stage.
 * The dispatching thread holds one count until {@link #seal()}, so the result cannot complete half-way through
 * routing.
 */
final class Tracker implements BiConsumer<Object, Throwable> {

    private final AtomicInteger pending = new AtomicInteger(1);
    private final CompletableFuture<Void> result = new CompletableFuture<>();
    private volatile PublishRejectedException rejected;

    /** One more firing to wait for. */
    void add() {
        pending.incrementAndGet();
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
        if (pending.decrementAndGet() == 0) {
            PublishRejectedException failure = rejected;
            if (failure == null) {
                result.complete(null);
            } else {
                result.completeExceptionally(failure);
            }
        }
    }

    /** Completion callback form of {@link #done()}, so registering it allocates no lambda. */
    @Override
    public void accept(Object ignored, Throwable failure) {
        done();
    }

    /** Releases the dispatcher's hold and returns the event's stage. */
    CompletionStage<Void> seal() {
        done();
        return result;
    }
}
