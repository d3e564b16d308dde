/**
 * The embedded, in-memory {@link io.switchboard.api.EventBus}: the default bus of a Switchboard, also usable on its
 * own ({@link io.switchboard.core.bus.InMemoryEventBus#builder()}) or by type name {@code memory}.
 */
package io.switchboard.core.bus;
