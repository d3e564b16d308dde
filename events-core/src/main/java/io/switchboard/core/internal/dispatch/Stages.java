package io.switchboard.core.internal.dispatch;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Shared completion stages, so that the synchronous fast paths allocate nothing. */
public final class Stages {

    /**
     * A completed stage shared by everyone. It is a minimal stage: callers cannot complete or obtrude it, so sharing
     * it is safe.
     */
    public static final CompletionStage<Void> DONE = CompletableFuture.completedStage(null);

    private Stages() {
    }

    /**
     * Whether {@code stage} is known to have completed normally, without allocating for the common stage types;
     * {@code false} when unknown (the caller then registers a callback).
     */
    public static boolean completedNormally(CompletionStage<?> stage) {
        if (stage == DONE) {
            return true;
        }
        if (stage instanceof CompletableFuture<?> future && future.getClass() == CompletableFuture.class) {
            return future.isDone() && !future.isCompletedExceptionally();
        }
        return false;
    }

    /**
     * Whether {@code stage} is known to be complete (normally or not) without allocating; {@code false} when unknown.
     */
    public static boolean isDone(CompletionStage<?> stage) {
        if (stage == DONE) {
            return true;
        }
        return stage instanceof CompletableFuture<?> future && future.getClass() == CompletableFuture.class
                && future.isDone();
    }

    /** A failed stage. */
    public static <T> CompletionStage<T> failed(Throwable failure) {
        return CompletableFuture.failedFuture(failure);
    }
}
