/**
 * NATS for Switchboard: {@link io.switchboard.nats.NatsEventBus} (configured by
 * {@link io.switchboard.nats.NatsBusConfig}) and {@link io.switchboard.nats.NatsEventSource}; both also found by
 * {@link java.util.ServiceLoader} as type {@code nats}. Layout, affinity design and delivery semantics are described
 * in {@code docs/nats.md}.
 */
package io.switchboard.nats;
