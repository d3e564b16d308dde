/**
 * Kafka for Switchboard: {@link io.switchboard.kafka.KafkaEventBus}, an at-least-once event bus on Kafka topics
 * with consumer groups, and {@link io.switchboard.kafka.KafkaEventSource}, which turns records of any Kafka topic
 * into CloudEvents. Both are found by {@link java.util.ServiceLoader} under the type {@code kafka}.
 */
module io.switchboard.kafka {
    requires transitive io.switchboard.api;
    requires io.switchboard.core;
    requires transitive io.cloudevents.core;
    requires io.cloudevents.kafka;
    requires kafka.clients;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports io.switchboard.kafka;

    provides io.switchboard.spi.EventBusProvider with io.switchboard.kafka.KafkaEventBusProvider;
    provides io.switchboard.spi.EventSourceProvider with io.switchboard.kafka.KafkaEventSourceProvider;
}
