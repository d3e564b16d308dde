/**
 * Schedulers: the system one, and a manual one whose time tests advance.
 *
 * <p>Start with {@link io.switchboard.core.time.Schedulers} for the system scheduler, or
 * {@link io.switchboard.core.time.ManualScheduler} to drive time by hand (the test harness in {@code events-test}
 * does this for you).
 */
package io.switchboard.core.time;
