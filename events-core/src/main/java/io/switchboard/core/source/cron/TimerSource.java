package io.switchboard.core.source.cron;

import io.cloudevents.CloudEvent;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventSource;
import io.switchboard.api.SourceContext;
import io.switchboard.core.internal.cron.CronSchedule;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

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
public final class TimerSource implements EventSource {

    /** The default CloudEvents type of a timer tick. */
    public static final String EVENT_TYPE = "io.switchboard.timer.tick";

    private final String name;
    private final Duration interval;
    private final boolean fixedRate;
    private final TickEmitter emitter;
    private final TickLoop rateLoop;        // fixed rate
    private final FixedDelayLoop delayLoop; // fixed delay
    private final Instant resumeAfter;

    private TimerSource(Builder b) {
        TickSettings s = b.settings;
        this.name = s.name;
        this.interval = b.interval;
        this.fixedRate = b.fixedRate;
        this.emitter = s.emitter();
        this.resumeAfter = s.resumeAfter;
        if (fixedRate) {
            this.rateLoop = new TickLoop(name, CronSchedule.every(interval), ZoneOffset.UTC, s.misfire,
                    s.misfireThreshold, emitter::emit, emitter::missed);
            this.delayLoop = null;
        } else {
            this.rateLoop = null;
            this.delayLoop = new FixedDelayLoop(interval, emitter::emit);
        }
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

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(SourceContext context) {
        Objects.requireNonNull(context, "context");
        emitter.bind(context);
        if (fixedRate) {
            rateLoop.start(context.scheduler(), resumeAfter);
        } else {
            delayLoop.start(context.scheduler());
        }
    }

    @Override
    public void close() {
        if (fixedRate) {
            rateLoop.stop();
        } else {
            delayLoop.stop();
        }
    }

    /** The period (fixed rate) or delay (fixed delay). */
    public Duration interval() {
        return interval;
    }

    public boolean isFixedRate() {
        return fixedRate;
    }

    /** The last tick handled (fired, or dropped by the misfire policy). */
    public Optional<Instant> lastTick() {
        return fixedRate ? rateLoop.lastTick() : delayLoop.lastTick();
    }

    /** When the next tick is due; empty before start or after close. */
    public Optional<Instant> nextTick() {
        return fixedRate ? rateLoop.nextTick() : delayLoop.nextTick();
    }

    /** The event a tick at {@code scheduled} produces. */
    public CloudEvent eventFor(Instant scheduled) {
        return emitter.event(Objects.requireNonNull(scheduled, "scheduled"));
    }

    /** Ticks the bus accepted. */
    public long ticksFired() {
        return emitter.fired();
    }

    /** Ticks the bus refused; they are logged, not retried. */
    public long ticksRejected() {
        return emitter.rejected();
    }

    /** Missed ticks the misfire policy dropped (fixed rate only). */
    public long ticksMissed() {
        return emitter.missed();
    }

    @Override
    public String toString() {
        return "TimerSource[" + name + ", " + (fixedRate ? "fixed rate " : "fixed delay ") + interval + "]";
    }

    /** Builds a {@link TimerSource}. Not thread-safe. */
    public static final class Builder {
        private final TickSettings settings;
        private Duration interval;
        private boolean fixedRate;

        private Builder(String name) {
            this.settings = new TickSettings(name, EVENT_TYPE, "timer");
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

        /** The shared settings, for the provider. */
        TickSettings settings() {
            return settings;
        }

        /** Data every tick carries. */
        public Builder data(String contentType, byte[] data) {
            settings.data(contentType, data);
            return this;
        }

        /** Text data (UTF-8) every tick carries, e.g. JSON. */
        public Builder data(String contentType, String data) {
            settings.data(contentType, data);
            return this;
        }

        /** The CloudEvents type of ticks; default {@value TimerSource#EVENT_TYPE}. */
        public Builder type(String type) {
            settings.type(type);
            return this;
        }

        /** The CloudEvents source of ticks; default {@code urn:switchboard:timer:<name>}. */
        public Builder source(URI source) {
            settings.source(source);
            return this;
        }

        /** Fixed rate only: what to do with missed ticks; default {@link MisfirePolicy#fireOnce()}. */
        public Builder misfire(MisfirePolicy policy) {
            settings.misfire(policy);
            return this;
        }

        /** Fixed rate only: how late a tick may fire and still count as on time; default one minute. */
        public Builder misfireThreshold(Duration threshold) {
            settings.misfireThreshold(threshold);
            return this;
        }

        /** Fixed rate only: resume after a tick handled by an earlier run (see {@link CronSource.Builder#resumeAfter}). */
        public Builder resumeAfter(Instant lastTick) {
            settings.resumeAfter(lastTick);
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
                throw new ConfigurationException("timer source '" + settings.name + "' has no interval: call"
                        + " fixedRate(Duration) or fixedDelay(Duration)");
            }
            if (!fixedRate && (settings.misfireSet || settings.resumeAfter != null)) {
                throw new ConfigurationException("timer source '" + settings.name + "' is fixed-delay, which never"
                        + " misses ticks: remove misfire(...)/resumeAfter(...) or use fixedRate(...)");
            }
            return new TimerSource(this);
        }

        private Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.toMillis() < 1) {
                throw new ConfigurationException(what + " of timer source '" + settings.name
                        + "' must be at least 1ms, got " + d);
            }
            return d;
        }
    }
}
