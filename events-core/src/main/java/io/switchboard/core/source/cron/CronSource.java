package io.switchboard.core.source.cron;

import io.cloudevents.CloudEvent;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventSource;
import io.switchboard.api.SourceContext;
import io.switchboard.core.internal.cron.CronSchedule;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

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
 * <p>Each tick is an event with type {@value #EVENT_TYPE} (unless {@link Builder#type changed}), source
 * {@code urn:switchboard:cron:<name>}, {@code time} = the scheduled instant (not the instant it was emitted), the
 * optional data, and id {@code <name>@<scheduled instant>} (e.g. {@code nightly@2026-03-30T00:30:00Z}): every
 * instance running the same schedule produces the same id for the same tick, so a deduplicating bus fires it once.
 * Expression formats, daylight-saving rules and misfire handling are described in {@code docs/sources.md}.
 *
 * <p>Time comes only from the context's {@link io.switchboard.api.Scheduler}. Thread-safe; {@code start} and
 * {@code close} follow the {@link EventSource} contract.
 */
public final class CronSource implements EventSource {

    /** The default CloudEvents type of a cron tick. */
    public static final String EVENT_TYPE = "io.switchboard.cron.tick";

    private final String name;
    private final CronSchedule schedule;
    private final ZoneId zone;
    private final MisfirePolicy misfire;
    private final Instant resumeAfter;
    private final TickEmitter emitter;
    private final TickLoop loop;

    private CronSource(Builder b) {
        this.name = b.settings.name;
        this.schedule = b.schedule;
        this.zone = b.zone;
        this.misfire = b.settings.misfire;
        this.resumeAfter = b.settings.resumeAfter;
        this.emitter = b.settings.emitter();
        this.loop = new TickLoop(name, schedule, zone, misfire, b.settings.misfireThreshold,
                emitter::emit, emitter::missed);
    }

    /** Starts a builder for a cron source; {@code name} is also the bus topic of its events. */
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
        loop.start(context.scheduler(), resumeAfter);
    }

    @Override
    public void close() {
        loop.stop();
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
     * The last tick handled — fired, or dropped by the misfire policy. Store it to resume after a restart with
     * {@link Builder#resumeAfter(Instant)}.
     */
    public Optional<Instant> lastTick() {
        return loop.lastTick();
    }

    /** When the next tick is due; empty before start, after close, or when the schedule fires no more. */
    public Optional<Instant> nextTick() {
        return loop.nextTick();
    }

    /** The event a tick at {@code scheduled} produces (what subscribers will receive). */
    public CloudEvent eventFor(Instant scheduled) {
        return emitter.event(Objects.requireNonNull(scheduled, "scheduled"));
    }

    /** Ticks the bus accepted. */
    public long ticksFired() {
        return emitter.fired();
    }

    /** Ticks the bus refused (back-pressure or failure); they are logged, not retried. */
    public long ticksRejected() {
        return emitter.rejected();
    }

    /** Missed ticks the misfire policy dropped (a lower bound after very long pauses of very frequent schedules). */
    public long ticksMissed() {
        return emitter.missed();
    }

    @Override
    public String toString() {
        return "CronSource[" + name + ", " + schedule + ", zone=" + zone + ", misfire=" + misfire + "]";
    }

    /** Builds a {@link CronSource}; each setter checks its argument. Not thread-safe. */
    public static final class Builder {
        private final TickSettings settings;
        private CronSchedule schedule;
        private ZoneId zone = ZoneOffset.UTC;

        private Builder(String name) {
            this.settings = new TickSettings(name, EVENT_TYPE, "cron");
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

        /** The CloudEvents type of ticks; default {@value CronSource#EVENT_TYPE}. */
        public Builder type(String type) {
            settings.type(type);
            return this;
        }

        /** The CloudEvents source of ticks; default {@code urn:switchboard:cron:<name>}. */
        public Builder source(URI source) {
            settings.source(source);
            return this;
        }

        /** What to do with missed ticks; default {@link MisfirePolicy#fireOnce()}. */
        public Builder misfire(MisfirePolicy policy) {
            settings.misfire(policy);
            return this;
        }

        /** How late a tick may fire and still count as on time; default one minute. */
        public Builder misfireThreshold(Duration threshold) {
            settings.misfireThreshold(threshold);
            return this;
        }

        /**
         * Resume after a tick handled by an earlier run (see {@link CronSource#lastTick()}): ticks missed while the
         * application was down are handled by the misfire policy as soon as the source starts. Without it, the
         * source starts with the first tick after start.
         */
        public Builder resumeAfter(Instant lastTick) {
            settings.resumeAfter(lastTick);
            return this;
        }

        /**
         * Builds the source.
         *
         * @throws ConfigurationException if no schedule was set
         */
        public CronSource build() {
            if (schedule == null) {
                throw new ConfigurationException("cron source '" + settings.name + "' has no schedule: call cron(\"0 2 * * *\")"
                        + " or another supported expression");
            }
            return new CronSource(this);
        }
    }
}
