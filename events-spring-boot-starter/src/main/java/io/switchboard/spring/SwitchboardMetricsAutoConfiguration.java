package io.switchboard.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.core.RuntimeObserver;
import io.switchboard.micrometer.SwitchboardMetrics;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Registers Switchboard's meters (events-micrometer) with the application's {@link MeterRegistry}: counters, gauges
 * and handler timers, as docs/observability.md lists them. Needs events-micrometer on the class path and a
 * {@code MeterRegistry} bean (Spring Boot's Actuator provides one); {@code switchboard.metrics.enabled=false} turns it
 * off.
 */
@AutoConfiguration(before = SwitchboardAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({SwitchboardMetrics.class, MeterRegistry.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "switchboard.metrics.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SwitchboardProperties.class)
public class SwitchboardMetricsAutoConfiguration {

    /** The observer that registers every meter (with handler timers sampled as {@code switchboard.metrics.*} says). */
    @Bean
    public RuntimeObserver switchboardMetricsObserver(MeterRegistry registry, SwitchboardProperties properties) {
        return SwitchboardMetrics.observerBuilder(registry)
                .asyncTimingSample(properties.getMetrics().getAsyncTimingSample())
                .inlineTimingSample(properties.getMetrics().getInlineTimingSample())
                .build();
    }
}
