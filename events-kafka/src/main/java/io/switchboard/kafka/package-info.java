/**
 * Kafka for Switchboard: {@link io.switchboard.kafka.KafkaEventBus} (configured by
 * {@link io.switchboard.kafka.KafkaBusConfig}) and {@link io.switchboard.kafka.KafkaEventSource}; both also found
 * by {@link java.util.ServiceLoader} as type {@code kafka}. Delivery semantics are described in {@code docs/kafka.md}.
 *
 * <p>Start by declaring the bus by type: {@code Switchboard.builder().bus("orders", "kafka", config)}, with the
 * configuration keys of {@link io.switchboard.kafka.KafkaBusConfig}; or build one with
 * {@link io.switchboard.kafka.KafkaBusConfig#builder()} and
 * {@link io.switchboard.kafka.KafkaEventBus#create(KafkaBusConfig)}. A source of this broker's messages starts with
 * {@link io.switchboard.kafka.KafkaEventSource#builder(String)}.
 */
package io.switchboard.kafka;
