package io.switchboard.spi;

import io.switchboard.api.EventSource;

import java.util.Map;

/**
 * Creates {@link EventSource} instances of one type from text configuration. Found by
 * {@link java.util.ServiceLoader} or registered explicitly. Implementations are stateless and thread-safe.
 */
public interface EventSourceProvider {

    /** The type name this provider answers to, e.g. {@code cron}, {@code http}, {@code kafka}. */
    String type();

    /**
     * Creates a source.
     *
     * @param name   the source's name (also its bus topic)
     * @param config implementation-specific settings
     * @throws io.switchboard.api.ConfigurationException if the configuration is invalid, naming the setting
     */
    EventSource create(String name, Map<String, String> config);
}
