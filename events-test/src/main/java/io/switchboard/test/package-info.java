/**
 * Testing with Switchboard.
 *
 * <p>To test an application's routes, start with {@link io.switchboard.test.SwitchboardExtension#create()} (registered
 * with {@code @RegisterExtension}; or {@link io.switchboard.test.SwitchboardTest @SwitchboardTest} for a fresh
 * {@link io.switchboard.test.SwitchboardHarness} per test): the routes run on the in-memory bus with a manual clock.
 * Capture what a sink received with a {@link io.switchboard.test.Probe}, make events with
 * {@link io.switchboard.test.Events}, and check both with {@link io.switchboard.test.SwitchboardAssertions}.
 *
 * <p>To test an {@link io.switchboard.api.EventBus} implementation, extend
 * {@link io.switchboard.test.EventBusCompatibilityKit}. See {@code docs/testing.md}.
 */
package io.switchboard.test;
