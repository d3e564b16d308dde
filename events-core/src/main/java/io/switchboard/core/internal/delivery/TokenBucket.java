package io.switchboard.core.internal.delivery;

import io.switchboard.api.Subscriber;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A rate limit as a token bucket in its exact "virtual scheduling" form (GCRA): one permit per {@code interval}, with
 * up to {@code burst} permits back to back. A caller reserves the next permit and learns how long to wait for it;
 * reservations are granted in order and never refused, so excess work waits instead of being dropped.
 *
 * <p>Guarantee: in any span of time {@code e}, at most {@code burst + floor(e / interval)} permits are used, however
 * bursty the demand. The interval is rounded up to whole nanoseconds so rounding never raises the rate.
 *
 * <p>Lock-free: the state is one {@code long} (the theoretical arrival time of the next permit at the sustained rate),
 * advanced by compare-and-set. Times are nanoseconds on the scheduler clock.
 */
final class TokenBucket {

    private static final long UNUSED = Long.MIN_VALUE;

    private final long interval;
    private final long tolerance;
    private final AtomicLong theoreticalArrival = new AtomicLong(UNUSED);

    TokenBucket(Subscriber.RateLimit limit) {
        long periodNanos = limit.period().toNanos();
        this.interval = Math.max(1, (periodNanos + limit.permits() - 1) / limit.permits());
        this.tolerance = Math.multiplyExact(interval, (long) limit.burst() - 1);
    }

    /** Reserves one permit for a request made at {@code now}; returns the nanoseconds to wait before using it. */
    long reserve(long now) {
        while (true) {
            long tat = theoreticalArrival.get();
            long slot = tat == UNUSED ? now : Math.max(now, tat - tolerance);
            long next = (tat == UNUSED ? slot : Math.max(slot, tat)) + interval;
            if (theoreticalArrival.compareAndSet(tat, next)) {
                return slot - now;
            }
        }
    }

    long interval() {
        return interval;
    }
}
