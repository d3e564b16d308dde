package io.switchboard.core.source.cron;

import io.switchboard.api.Scheduler;

import java.time.Instant;
import java.util.Optional;

/** A loop that decides when ticks happen: on a schedule ({@link TickLoop}) or after each one ({@link FixedDelayLoop}). */
interface Ticker {

    /** Starts ticking on {@code scheduler}; {@code resumeAfter} ({@code null}: none) is the last tick of an earlier run. */
    void start(Scheduler scheduler, Instant resumeAfter);

    /** Stops; no tick fires afterwards. Idempotent. */
    void stop();

    /** The last tick handled, or empty before the first. */
    Optional<Instant> lastTick();

    /** When the next tick is due; empty when stopped or when no tick will come. */
    Optional<Instant> nextTick();
}
