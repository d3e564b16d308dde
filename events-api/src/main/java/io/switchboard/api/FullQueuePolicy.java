package io.switchboard.api;

import java.time.Duration;
import java.util.Objects;

/**
 * What publishing does when an asynchronous subscriber's queue is full. There is no "drop" policy: an event
 * is either queued or its publish fails visibly.
 */
public sealed interface FullQueuePolicy permits FullQueuePolicy.Block, FullQueuePolicy.Fail {

    /** Wait up to {@code timeout} for room, then fail the publish with {@link PublishRejectedException}. */
    static FullQueuePolicy block(Duration timeout) {
        return new Block(timeout);
    }

    /** Fail the publish at once with {@link PublishRejectedException}. */
    static FullQueuePolicy fail() {
        return Fail.INSTANCE;
    }

    /** See {@link FullQueuePolicy#block(Duration)}. */
    record Block(Duration timeout) implements FullQueuePolicy {
        public Block {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("block timeout must not be negative, got " + timeout);
            }
        }
    }

    /** See {@link FullQueuePolicy#fail()}. */
    enum Fail implements FullQueuePolicy {
        INSTANCE
    }
}
