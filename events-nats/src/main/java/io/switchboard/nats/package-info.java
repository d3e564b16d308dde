/**
 * NATS for Switchboard: {@link io.switchboard.nats.NatsEventBus} (configured by
 * {@link io.switchboard.nats.NatsBusConfig}) and {@link io.switchboard.nats.NatsEventSource}; both also found by
 * {@link java.util.ServiceLoader} as type {@code nats}. Layout, affinity design and delivery semantics are described
 * in {@code docs/nats.md}.
 *
 * <p>Start by declaring the bus by type: {@code Switchboard.builder().bus("orders", "nats", config)}, with the
 * configuration keys of {@link io.switchboard.nats.NatsBusConfig}; or build one with
 * {@link io.switchboard.nats.NatsBusConfig#builder()} and
 * {@link io.switchboard.nats.NatsEventBus#create(NatsBusConfig)}. A source of this broker's messages starts with
 * {@link io.switchboard.nats.NatsEventSource#builder(String)}.
 */
package io.switchboard.nats;
