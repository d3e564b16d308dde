package io.switchboard.core.source.cron;

import io.switchboard.api.ConfigurationException;
import io.switchboard.core.source.support.SourceNames;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** The settings cron and timer builders share, validated as they are set. Not thread-safe (builder state). */
final class TickSettings {

    static final Duration DEFAULT_MISFIRE_THRESHOLD = Duration.ofMinutes(1);

    final String name;
    String type;
    URI source;
    String dataContentType;
    byte[] data;
    MisfirePolicy misfire = MisfirePolicy.fireOnce();
    boolean misfireSet;
    Duration misfireThreshold = DEFAULT_MISFIRE_THRESHOLD;
    Instant resumeAfter;

    TickSettings(String name, String type, String kind) {
        this.name = SourceNames.check(name);
        this.type = type;
        this.source = URI.create("urn:switchboard:" + kind + ":" + name);
    }

    void type(String type) {
        Objects.requireNonNull(type, "type");
        if (type.isBlank()) {
            throw new ConfigurationException("event type of source '" + name + "' is blank: give a non-empty type");
        }
        this.type = type;
    }

    void source(URI source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    void data(String contentType, byte[] data) {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(data, "data");
        if (contentType.isBlank()) {
            throw new ConfigurationException("data content type of source '" + name + "' is blank: e.g. application/json");
        }
        this.dataContentType = contentType;
        this.data = data.clone();
    }

    void data(String contentType, String text) {
        data(contentType, Objects.requireNonNull(text, "data").getBytes(StandardCharsets.UTF_8));
    }

    void misfire(MisfirePolicy policy) {
        this.misfire = Objects.requireNonNull(policy, "policy");
        this.misfireSet = true;
    }

    void misfireThreshold(Duration threshold) {
        Objects.requireNonNull(threshold, "threshold");
        if (threshold.isNegative()) {
            throw new ConfigurationException("misfire threshold of source '" + name + "' must not be negative, got " + threshold);
        }
        this.misfireThreshold = threshold;
    }

    void resumeAfter(Instant lastTick) {
        this.resumeAfter = Objects.requireNonNull(lastTick, "lastTick");
    }

    TickEmitter emitter() {
        return new TickEmitter(name, type, source, dataContentType, data);
    }
}
