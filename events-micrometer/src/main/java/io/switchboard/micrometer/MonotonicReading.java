package io.switchboard.micrometer;

/**
 * Turns a counter that may restart from zero (a trigger replaced gets fresh counters; a removed one stops answering)
 * into one that never goes down, as Micrometer's function counters require: a drop is taken as a restart and the
 * value before it is carried as a base. Thread-safe (scrapes may overlap).
 */
final class MonotonicReading {

    private long base;
    private long lastRaw;

    /** The monotonic value for a raw reading; {@code raw} negative: no reading (the subscriber is gone). */
    synchronized double next(long raw) {
        if (raw < 0) {
            return base + lastRaw;
        }
        if (raw < lastRaw) {
            base += lastRaw;
        }
        lastRaw = raw;
        return base + raw;
    }
}
