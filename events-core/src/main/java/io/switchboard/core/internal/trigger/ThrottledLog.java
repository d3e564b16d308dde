package io.switchboard.core.internal.trigger;

import org.slf4j.Logger;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A warning that is logged at most once per interval, reporting how many occurrences it left out in between —
 * for events that can repeat at event rate (evicted keys, uncorrelated events, dead letters without a sink) and
 * must stay visible without flooding the log. Thread-safe.
 */
public final class ThrottledLog {

    private final Logger log;
    private final InstantSource clock;
    private final long intervalMillis;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public ThrottledLog(Logger log, InstantSource clock, Duration interval) {
        this.log = log;
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
    }

    /** Logs {@code message} (slf4j format) at WARN unless another one was logged within the interval. */
    public void warn(String message, Object... args) {
        long now = clock.millis();
        long allowed = nextAllowed.get();
        if (now < allowed || !nextAllowed.compareAndSet(allowed, now + intervalMillis)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        if (skipped > 0) {
            log.warn(message + " (" + skipped + " similar warnings suppressed since the last one)", args);
        } else {
            log.warn(message, args);
        }
    }
}
