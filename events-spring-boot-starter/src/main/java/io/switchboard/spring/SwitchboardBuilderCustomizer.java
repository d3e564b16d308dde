package io.switchboard.spring;

import io.switchboard.core.Switchboard;

/**
 * A bean that changes the {@link Switchboard.Builder} after the starter configured it from properties and beans,
 * before the runtime is built: executor, scheduler, providers, buses or triggers built in code. Customizers run in
 * {@link org.springframework.core.Ordered} order.
 */
@FunctionalInterface
public interface SwitchboardBuilderCustomizer {

    /** Adjusts the builder. */
    void customize(Switchboard.Builder builder);
}
