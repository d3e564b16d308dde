package io.switchboard.api;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * The runtime's notion of time: a clock and a way to run a task later. Every time-based behaviour (windows,
 * backoff, rate limits, batches, debounce, cron) goes through one of these, so that tests can substitute a
 * manual one and advance time deterministically instead of sleeping.
 *
 * <p>Implementations are thread-safe. Tasks must be short; long work belongs on an executor.
 */
public interface Scheduler {

    /** The clock this scheduler's delays are measured on. */
    InstantSource clock();

    /** The current instant of {@link #clock()}. */
    default Instant now() {
        return clock().instant();
    }

    /**
     * Runs {@code task} once, after {@code delay} (zero or negative: as soon as possible).
     *
     * @return a handle that cancels the task if it has not started yet
     */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task; returns {@code true} if it had not run and now never will. */
        boolean cancel();
    }
}
