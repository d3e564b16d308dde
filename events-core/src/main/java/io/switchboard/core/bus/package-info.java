/**
 * The embedded, in-memory {@link io.switchboard.api.EventBus}: the default bus of a Switchboard, also usable on its
 * own ({@link io.switchboard.core.bus.InMemoryEventBus#builder()}) or by type name {@code memory}.
 *
 * <p>Start with {@link io.switchboard.core.bus.InMemoryEventBus#builder()} only to tune it or share one bus between
 * runtimes; a runtime without a declared bus already uses one.
 */
package io.switchboard.core.bus;
