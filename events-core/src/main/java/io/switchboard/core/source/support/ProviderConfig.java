package io.switchboard.core.source.support;

import io.switchboard.api.ConfigurationException;
import io.switchboard.core.internal.cron.DurationText;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an {@code EventSourceProvider}'s text configuration: typed getters whose errors name the source, the key and
 * the expected form, and a check that rejects unknown keys (a typo should fail loudly, not be ignored).
 */
public final class ProviderConfig {

    private final String type;
    private final String source;
    private final Map<String, String> config;

    public ProviderConfig(String type, String source, Map<String, String> config, Set<String> knownKeys) {
        this.type = type;
        this.source = source;
        this.config = Objects.requireNonNull(config, "config");
        Set<String> unknown = new TreeSet<>(config.keySet());
        unknown.removeAll(knownKeys);
        if (!unknown.isEmpty()) {
            throw new ConfigurationException(type + " source '" + source + "': unknown key(s) " + unknown
                    + "; known keys are " + new TreeSet<>(knownKeys));
        }
    }

    public boolean has(String key) {
        String v = config.get(key);
        return v != null && !v.isBlank();
    }

    public String string(String key) {
        return has(key) ? config.get(key).trim() : null;
    }

    public String required(String key, String example) {
        if (!has(key)) {
            throw new ConfigurationException(type + " source '" + source + "' needs key '" + key + "', e.g. " + example);
        }
        return config.get(key).trim();
    }

    public Duration duration(String key) {
        return has(key) ? DurationText.parse(where(key), config.get(key)) : null;
    }

    public Integer integer(String key) {
        if (!has(key)) {
            return null;
        }
        try {
            return Integer.parseInt(config.get(key).trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(where(key) + ": '" + config.get(key) + "' is not a whole number");
        }
    }

    public Long longValue(String key) {
        if (!has(key)) {
            return null;
        }
        try {
            return Long.parseLong(config.get(key).trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(where(key) + ": '" + config.get(key) + "' is not a whole number");
        }
    }

    public Instant instant(String key) {
        if (!has(key)) {
            return null;
        }
        try {
            return Instant.parse(config.get(key).trim());
        } catch (DateTimeParseException e) {
            throw new ConfigurationException(where(key) + ": '" + config.get(key)
                    + "' is not an ISO-8601 instant such as 2026-01-01T02:00:00Z");
        }
    }

    /** Wraps a builder's own error so it names the key it came from. */
    public ConfigurationException invalid(String key, RuntimeException cause) {
        return new ConfigurationException(where(key) + ": " + cause.getMessage(), cause);
    }

    public String where(String key) {
        return type + " source '" + source + "' key '" + key + "'";
    }
}
