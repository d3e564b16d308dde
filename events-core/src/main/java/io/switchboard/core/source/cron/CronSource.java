package io.switchboard.core.source.cron;

import io.switchboard.api.ConfigurationException;
import io.switchboard.core.internal.cron.CronSchedule;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * An event source that emits one CloudEvent per tick of a cron schedule.
 *
 * <pre>{@code
 * CronSource nightly = CronSource.builder("nightly")
 *     .cron("30 2 * * *")                       // Unix, Quartz, Spring, @daily, @every 90s ...
 *     .zone(ZoneId.of("Europe/Berlin"))
 *     .data("application/json", "{\"job\":\"report\"}")
 *     .misfire(MisfirePolicy.catchUp(Duration.ofHours(6)))
 *     .build();
 * }</pre>
 *
 * <p>Each tick is an event with type {@value #EVENT_TYPE} (unless changed with {@code type(..)}), source
 * {@code urn:switchboard:cron:<name>}, {@code time} = the scheduled instant (not the instant it was emitted), the
 * optional data, and id {@code <name>@<scheduled instant>} (e.g. {@code nightly@2026-03-30T00:30:00Z}): every
 * instance running the same schedule produces the same id for the same tick, so a deduplicating bus fires it once.
 * Expression formats, daylight-saving rules and misfire handling are described in {@code docs/sources.md}.
 *
 * <p>Time comes only from the context's {@link io.switchboard.api.Scheduler}. Thread-safe; {@code start} and
 * {@code close} follow the {@link io.switchboard.api.EventSource} contract.
 */
public final class CronSource extends TickSource {

    /** The default CloudEvents type of a cron tick. */
    public static final String EVENT_TYPE = "io.switchboard.cron.tick";

    private final CronSchedule schedule;
    private final ZoneId zone;
    private final MisfirePolicy misfire;

    private CronSource(Builder b, TickEmitter emitter) {
        super(b, new TickLoop(b.name, b.schedule, b.zone, b.misfire, b.misfireThreshold, emitter::emit, emitter::missed),
                emitter);
        this.schedule = b.schedule;
        this.zone = b.zone;
        this.misfire = b.misfire;
    }

    /** Starts a builder for a cron source; {@code name} is also the bus topic of its events. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The schedule expression as parsed. */
    public String schedule() {
        return schedule.expression();
    }

    public ZoneId zone() {
        return zone;
    }

    public MisfirePolicy misfire() {
        return misfire;
    }

    /**
     * True: identically configured instances tick at the same instants under the same ids
     * ({@code <name>@<scheduled instant>}), so the runtime handles each tick once across instances.
     */
    @Override
    public boolean identicalAcrossInstances() {
        return true;
    }

    @Override
    public String toString() {
        return "CronSource[" + name() + ", " + schedule + ", zone=" + zone + ", misfire=" + misfire + "]";
    }

    /**
     * Builds a {@link CronSource}; each setter checks its argument. Besides the schedule and zone: tick data, event
     * type and source, misfire policy and threshold, and a tick to resume after. Not thread-safe.
     */
    public static final class Builder extends TickBuilder<Builder> {
        private CronSchedule schedule;
        private ZoneId zone = ZoneOffset.UTC;

        private Builder(String name) {
            super(name, EVENT_TYPE, "cron");
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * The schedule: Unix (5 fields), Quartz (6-7 fields with {@code ?}), Spring (6 fields without {@code ?}),
         * a macro ({@code @daily} ...) or {@code @every <duration>}.
         *
         * @throws ConfigurationException if the expression is not valid in any supported format
         */
        public Builder cron(String expression) {
            this.schedule = CronSchedule.parse(expression);
            return this;
        }

        /** The zone local times of the schedule are read in; default UTC. */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        /**
         * Builds the source.
         *
         * @throws ConfigurationException if no schedule was set
         */
        public CronSource build() {
            if (schedule == null) {
                throw new ConfigurationException("cron source '" + name + "' has no schedule: call cron(\"0 2 * * *\")"
                        + " or another supported expression");
            }
            return new CronSource(this, emitter());
        }
    }
}
