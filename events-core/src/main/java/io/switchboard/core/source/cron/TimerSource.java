package io.switchboard.core.source.cron;

import io.switchboard.api.ConfigurationException;
import io.switchboard.core.internal.cron.CronSchedule;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * An event source that ticks at a fixed rate or with a fixed delay.
 *
 * <ul>
 *   <li><b>Fixed rate</b> ({@link #fixedRate}): ticks at whole multiples of the period since the Unix epoch — the
 *       same instants as {@code @every <period>} — so instances agree on tick instants and ids; missed ticks follow
 *       the {@link MisfirePolicy}.</li>
 *   <li><b>Fixed delay</b> ({@link #fixedDelay}): the next tick is due {@code delay} after the previous tick's
 *       event was accepted by the bus; ticks never queue up, so no misfire policy applies. Ids are still
 *       {@code <name>@<planned instant>} but differ between instances, which start at different times.</li>
 * </ul>
 *
 * <p>Each tick is an event with type {@value #EVENT_TYPE}, source {@code urn:switchboard:timer:<name>},
 * {@code time} = the scheduled instant and id {@code <name>@<scheduled instant>}. Time comes only from the
 * context's {@link io.switchboard.api.Scheduler}. Thread-safe.
 */
public final class TimerSource extends TickSource {

    /** The default CloudEvents type of a timer tick. */
    public static final String EVENT_TYPE = "io.switchboard.timer.tick";

    private final Duration interval;
    private final boolean fixedRate;

    private TimerSource(Builder b, TickEmitter emitter) {
        super(b, b.fixedRate
                ? new TickLoop(b.name, CronSchedule.every(b.interval), ZoneOffset.UTC, b.misfire, b.misfireThreshold,
                        emitter::emit, emitter::missed)
                : new FixedDelayLoop(b.interval, emitter::emit), emitter);
        this.interval = b.interval;
        this.fixedRate = b.fixedRate;
    }

    /** A timer ticking every {@code period} (aligned to the epoch) with default settings. */
    public static TimerSource fixedRate(String name, Duration period) {
        return builder(name).fixedRate(period).build();
    }

    /** A timer ticking {@code delay} after the previous tick was accepted, with default settings. */
    public static TimerSource fixedDelay(String name, Duration delay) {
        return builder(name).fixedDelay(delay).build();
    }

    /** Starts a builder; choose {@link Builder#fixedRate} or {@link Builder#fixedDelay}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The period (fixed rate) or delay (fixed delay). */
    public Duration interval() {
        return interval;
    }

    public boolean isFixedRate() {
        return fixedRate;
    }

    /**
     * True for a fixed-rate timer: identically configured instances tick at the same epoch-aligned instants under the
     * same ids, so the runtime handles each tick once across instances. A fixed-delay timer's ticks differ per
     * instance (each starts at its own time), so every instance's ticks are handled.
     */
    @Override
    public boolean identicalAcrossInstances() {
        return fixedRate;
    }

    @Override
    public String toString() {
        return "TimerSource[" + name() + ", " + (fixedRate ? "fixed rate " : "fixed delay ") + interval + "]";
    }

    /**
     * Builds a {@link TimerSource}. Besides the interval: tick data, event type and source, and for fixed rate the
     * misfire policy and threshold and a tick to resume after. Not thread-safe.
     */
    public static final class Builder extends TickBuilder<Builder> {
        private Duration interval;
        private boolean fixedRate;

        private Builder(String name) {
            super(name, EVENT_TYPE, "timer");
        }

        @Override
        Builder self() {
            return this;
        }

        /** Tick every {@code period}, at whole multiples of it since the epoch. */
        public Builder fixedRate(Duration period) {
            this.interval = positive("period", period);
            this.fixedRate = true;
            return this;
        }

        /** Tick {@code delay} after the previous tick's event was accepted. */
        public Builder fixedDelay(Duration delay) {
            this.interval = positive("delay", delay);
            this.fixedRate = false;
            return this;
        }

        /**
         * Builds the timer.
         *
         * @throws ConfigurationException if neither fixedRate nor fixedDelay was chosen, or a fixed-delay timer was
         *                                given a misfire policy or resume instant
         */
        public TimerSource build() {
            if (interval == null) {
                throw new ConfigurationException("timer source '" + name + "' has no interval: call"
                        + " fixedRate(Duration) or fixedDelay(Duration)");
            }
            if (!fixedRate && (misfireSet || resumeAfter != null)) {
                throw new ConfigurationException("timer source '" + name + "' is fixed-delay, which never"
                        + " misses ticks: remove misfire(...)/resumeAfter(...) or use fixedRate(...)");
            }
            return new TimerSource(this, emitter());
        }

        private Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.toMillis() < 1) {
                throw new ConfigurationException(what + " of timer source '" + name + "' must be at least 1ms, got " + d);
            }
            return d;
        }
    }
}
