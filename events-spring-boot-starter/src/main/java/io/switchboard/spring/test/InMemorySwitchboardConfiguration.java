package io.switchboard.spring.test;

import io.switchboard.core.bus.InMemoryEventBus;
import io.switchboard.core.time.ManualScheduler;
import io.switchboard.spring.SwitchboardBuilderCustomizer;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * What {@link InMemorySwitchboard} imports: a manual clock and a customizer that puts the runtime on it, with
 * in-memory buses. The customizer runs last, so it wins over the application's own customizers.
 */
@Configuration(proxyBeanMethods = false)
public class InMemorySwitchboardConfiguration {

    /** The runtime's clock; tests inject it and advance it. */
    @Bean
    public ManualScheduler switchboardManualScheduler() {
        return new ManualScheduler();
    }

    /** Swaps every bus the runtime creates for an in-memory bus on the manual clock. */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    public SwitchboardBuilderCustomizer switchboardInMemoryBuses(ManualScheduler switchboardManualScheduler) {
        return builder -> builder
                .replaceBuses((namespace, type) -> InMemoryEventBus.builder()
                        .scheduler(switchboardManualScheduler).build())
                .scheduler(switchboardManualScheduler);
    }
}
