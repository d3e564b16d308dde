/**
 * The Switchboard contracts.
 *
 * <p>An {@link io.switchboard.api.EventSource} produces CloudEvents; an {@link io.switchboard.api.EventBus}
 * carries them, a topic per source; a {@link io.switchboard.api.Trigger} selects events with its named
 * {@link io.switchboard.api.TriggerInput inputs} and hands them to {@link io.switchboard.api.Subscriber
 * subscribers} whose condition over those inputs holds.
 *
 * <p>Start with {@link io.switchboard.api.Trigger#builder(String)} and
 * {@link io.switchboard.api.Subscriber#builder(String)}; what a subscriber does with a firing is a
 * {@link io.switchboard.api.Sink}, how it is retried and dead-lettered a {@link io.switchboard.api.DeliveryPolicy}.
 * The runtime that runs triggers is {@code io.switchboard.core.Switchboard} (module {@code events-core}).
 *
 * <p>Unless a type says otherwise, arguments and return values are never {@code null}: a {@code null}
 * argument is rejected with a {@link java.lang.NullPointerException} naming it.
 */
package io.switchboard.api;
