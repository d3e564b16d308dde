package io.switchboard.spring;

import io.switchboard.core.Switchboard;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code switchboard} health indicator: UP while the runtime is ready, OUT_OF_SERVICE while it is not (a full
 * queue, a disconnected bus, not started yet, draining), DOWN once closed, with the runtime's problems as details.
 * Needs Spring Boot's health support (spring-boot-health, part of the Actuator starter);
 * {@code management.health.switchboard.enabled=false} turns it off.
 */
@AutoConfiguration(after = SwitchboardAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnSingleCandidate(Switchboard.class)
@ConditionalOnEnabledHealthIndicator("switchboard")
public class SwitchboardHealthAutoConfiguration {

    /** Reads {@code switchboard.runtime().health()} at each health check. */
    @Bean
    @ConditionalOnMissingBean(name = "switchboardHealthIndicator")
    public HealthIndicator switchboardHealthIndicator(Switchboard switchboard) {
        return new SwitchboardHealthIndicator(switchboard);
    }
}
