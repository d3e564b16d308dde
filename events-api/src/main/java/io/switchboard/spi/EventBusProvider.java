package io.switchboard.spi;

import io.switchboard.api.EventBus;

import java.util.Map;

/**
 * Creates {@link EventBus} instances of one type from text configuration. Found by {@link java.util.ServiceLoader}
 * or registered explicitly. Implementations are stateless and thread-safe.
 */
public interface EventBusProvider {

    /** The type name this provider answers to, e.g. {@code memory}, {@code kafka}. */
    String type();

    /**
     * Creates a bus.
     *
     * @param config implementation-specific settings (e.g. {@code bootstrap.servers}); unknown keys may pass through
     *               to the underlying client
     * @throws io.switchboard.api.ConfigurationException if the configuration is invalid, naming the setting
     */
    EventBus create(Map<String, String> config);
}
