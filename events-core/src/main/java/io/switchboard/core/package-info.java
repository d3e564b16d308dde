/**
 * The Switchboard runtime.
 *
 * <p>Start with {@link io.switchboard.core.Switchboard#builder()}: declare triggers (from {@code io.switchboard.api}),
 * sources and buses, {@code build()} (which validates everything once), {@code start()}, then {@code publish}. An
 * operator's view of a running instance — counters, queue depths, health — is
 * {@link io.switchboard.core.Switchboard#runtime()}; meters and traces attach through a
 * {@link io.switchboard.core.RuntimeObserver}.
 */
package io.switchboard.core;
