/**
 * NATS for Switchboard: {@link io.switchboard.nats.NatsEventBus}, an at-least-once event bus on a JetStream stream
 * with key affinity across the members of a group, and {@link io.switchboard.nats.NatsEventSource}, which turns
 * messages of core NATS subjects or of a JetStream stream into CloudEvents. Both are found by
 * {@link java.util.ServiceLoader} under the type {@code nats}.
 */
module io.switchboard.nats {
    requires transitive io.switchboard.api;
    requires io.switchboard.core;
    requires transitive io.cloudevents.core;
    requires io.cloudevents.formats.jackson;
    requires io.nats.jnats;
    requires org.slf4j;

    exports io.switchboard.nats;

    provides io.switchboard.spi.EventBusProvider with io.switchboard.nats.NatsEventBusProvider;
    provides io.switchboard.spi.EventSourceProvider with io.switchboard.nats.NatsEventSourceProvider;
}
