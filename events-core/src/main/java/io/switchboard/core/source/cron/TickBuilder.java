package io.switchboard.core.source.cron;

import io.switchboard.api.ConfigurationException;
import io.switchboard.core.source.support.SourceNames;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The settings cron and timer builders share, each checked as it is set. The public builders extend it, so its
 * public setters are theirs. Not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class TickBuilder<B extends TickBuilder<B>> {

    static final Duration DEFAULT_MISFIRE_THRESHOLD = Duration.ofMinutes(1);

    final String name;
    final String kind;
    String type;
    URI source;
    String dataContentType;
    byte[] data;
    MisfirePolicy misfire = MisfirePolicy.fireOnce();
    boolean misfireSet;
    Duration misfireThreshold = DEFAULT_MISFIRE_THRESHOLD;
    Instant resumeAfter;

    TickBuilder(String name, String type, String kind) {
        this.name = SourceNames.check(name);
        this.kind = kind;
        this.type = type;
        this.source = URI.create("urn:switchboard:" + kind + ":" + name);
    }

    abstract B self();

    /** Data every tick carries. */
    public B data(String contentType, byte[] data) {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(data, "data");
        if (contentType.isBlank()) {
            throw new ConfigurationException("data content type of " + kind + " source '" + name
                    + "' is blank: e.g. application/json");
        }
        this.dataContentType = contentType;
        this.data = data.clone();
        return self();
    }

    /** Text data (UTF-8) every tick carries, e.g. JSON. */
    public B data(String contentType, String data) {
        return data(contentType, Objects.requireNonNull(data, "data").getBytes(StandardCharsets.UTF_8));
    }

    /** The CloudEvents type of ticks; defaults: {@value CronSource#EVENT_TYPE}, {@value TimerSource#EVENT_TYPE}. */
    public B type(String type) {
        Objects.requireNonNull(type, "type");
        if (type.isBlank()) {
            throw new ConfigurationException("event type of " + kind + " source '" + name + "' is blank: give a non-empty type");
        }
        this.type = type;
        return self();
    }

    /** The CloudEvents source of ticks; default {@code urn:switchboard:cron:<name>} / {@code urn:switchboard:timer:<name>}. */
    public B source(URI source) {
        this.source = Objects.requireNonNull(source, "source");
        return self();
    }

    /** What to do with missed ticks (cron and fixed-rate timers); default {@link MisfirePolicy#fireOnce()}. */
    public B misfire(MisfirePolicy policy) {
        this.misfire = Objects.requireNonNull(policy, "policy");
        this.misfireSet = true;
        return self();
    }

    /** How late a tick may fire and still count as on time; default one minute. */
    public B misfireThreshold(Duration threshold) {
        Objects.requireNonNull(threshold, "threshold");
        if (threshold.isNegative()) {
            throw new ConfigurationException("misfire threshold of " + kind + " source '" + name
                    + "' must not be negative, got " + threshold);
        }
        this.misfireThreshold = threshold;
        return self();
    }

    /**
     * Resume after a tick handled by an earlier run (see {@code lastTick()} on the source): ticks missed while the
     * application was down are handled by the misfire policy as soon as the source starts. Without it, the source
     * starts with the first tick after start. Cron and fixed-rate timers only.
     */
    public B resumeAfter(Instant lastTick) {
        this.resumeAfter = Objects.requireNonNull(lastTick, "lastTick");
        return self();
    }

    TickEmitter emitter() {
        return new TickEmitter(name, type, source, dataContentType, data);
    }
}
