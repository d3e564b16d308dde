/**
 * Kafka for Switchboard: {@link io.switchboard.kafka.KafkaEventBus} (configured by
 * {@link io.switchboard.kafka.KafkaBusConfig}) and {@link io.switchboard.kafka.KafkaEventSource}; both also found
 * by {@link java.util.ServiceLoader} as type {@code kafka}. Delivery semantics are described in {@code docs/kafka.md}.
 */
package io.switchboard.kafka;
