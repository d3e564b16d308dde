package io.switchboard.core.bus;

import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventBus;
import io.switchboard.spi.EventBusProvider;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/**
 * Creates {@link InMemoryEventBus}es for type {@code memory}. Settings (all optional): {@code partitions},
 * {@code capacity}, {@code maxDeliveries}, {@code redeliveryBackoff} and {@code maxRedeliveryBackoff}
 * (ISO-8601 durations such as {@code PT0.1S}, or milliseconds). Registered through {@code ServiceLoader}.
 */
public final class InMemoryEventBusProvider implements EventBusProvider {

    private static final Set<String> KEYS = Set.of("partitions", "capacity", "maxDeliveries", "redeliveryBackoff",
            "maxRedeliveryBackoff");

    /** For {@link java.util.ServiceLoader}. */
    public InMemoryEventBusProvider() {
    }

    @Override
    public String type() {
        return InMemoryEventBus.TYPE;
    }

    @Override
    public EventBus create(Map<String, String> config) {
        for (String key : config.keySet()) {
            if (!KEYS.contains(key)) {
                throw new ConfigurationException("memory bus: unknown setting '" + key + "'; known settings: "
                        + KEYS.stream().sorted().toList());
            }
        }
        InMemoryEventBus.Builder b = InMemoryEventBus.builder();
        try {
            if (config.containsKey("partitions")) {
                b.partitions(integer(config, "partitions"));
            }
            if (config.containsKey("capacity")) {
                b.capacity(integer(config, "capacity"));
            }
            if (config.containsKey("maxDeliveries")) {
                b.maxDeliveries(integer(config, "maxDeliveries"));
            }
            if (config.containsKey("redeliveryBackoff") || config.containsKey("maxRedeliveryBackoff")) {
                Duration initial = duration(config, "redeliveryBackoff", Duration.ofMillis(100));
                b.redeliveryBackoff(initial, duration(config, "maxRedeliveryBackoff",
                        initial.compareTo(Duration.ofSeconds(5)) > 0 ? initial : Duration.ofSeconds(5)));
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("memory bus: " + e.getMessage(), e);
        }
        return b.build();
    }

    private static int integer(Map<String, String> config, String key) {
        try {
            return Integer.parseInt(config.get(key).trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("memory bus: setting '" + key + "' must be a whole number, got '"
                    + config.get(key) + "'");
        }
    }

    private static Duration duration(Map<String, String> config, String key, Duration fallback) {
        String value = config.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return value.trim().matches("\\d+") ? Duration.ofMillis(Long.parseLong(value.trim())) : Duration.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new ConfigurationException("memory bus: setting '" + key + "' must be an ISO-8601 duration (PT0.5S)"
                    + " or milliseconds, got '" + value + "'");
        }
    }
}
