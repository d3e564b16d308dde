package io.switchboard.spi;

import java.util.OptionalLong;

/**
 * Optional: what an {@link io.switchboard.api.EventBus} can tell operators about its connection and its consumers.
 * A bus implements this interface next to {@code EventBus}; the runtime's health view and the metrics module
 * ({@code events-micrometer}) read it when present and report "unknown" when not.
 *
 * <p>Both methods are called from monitoring threads (a metrics scrape, a readiness probe), possibly concurrently with
 * publishing and consuming: they must be thread-safe, must not block for long (answer from state the bus already
 * keeps, refreshed in the background if it costs a broker round trip), and must not throw.
 */
public interface BusMetrics {

    /**
     * Whether the bus can currently reach its broker (an in-process bus: while open). A bus that cannot tell returns
     * {@code true} while open.
     */
    boolean connected();

    /**
     * How many events of {@code topic} the consumer group {@code group} has not consumed yet, summed over the
     * topic's partitions this member knows of (Kafka: log-end offset minus committed offset), or empty when the bus
     * cannot tell (not subscribed, not yet assigned, no broker answer yet).
     */
    OptionalLong consumerLag(String topic, String group);
}
