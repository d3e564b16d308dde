package io.switchboard.spring;

import io.opentelemetry.api.OpenTelemetry;
import io.switchboard.core.RuntimeObserver;
import io.switchboard.opentelemetry.SwitchboardTracing;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Traces Switchboard with the application's {@link OpenTelemetry} (events-opentelemetry): a handle span per handler
 * call for every subscriber, and publish/deliver spans on buses declared as {@code EventBus} beans. Needs
 * events-opentelemetry on the class path and an {@code OpenTelemetry} bean; {@code switchboard.tracing.enabled=false}
 * turns it off.
 */
@AutoConfiguration(before = SwitchboardAutoConfiguration.class, afterName = {
        "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
        "io.opentelemetry.instrumentation.spring.autoconfigure.OpenTelemetryAutoConfiguration"})
@ConditionalOnClass({SwitchboardTracing.class, OpenTelemetry.class})
@ConditionalOnBean(OpenTelemetry.class)
@ConditionalOnBooleanProperty(name = "switchboard.tracing.enabled", matchIfMissing = true)
public class SwitchboardTracingAutoConfiguration {

    /** The tracing instrumentation bound to the application's OpenTelemetry. */
    @Bean
    @ConditionalOnMissingBean
    public SwitchboardTracing switchboardTracing(OpenTelemetry openTelemetry) {
        return SwitchboardTracing.create(openTelemetry);
    }

    /** Handle spans around every handler call. */
    @Bean
    public RuntimeObserver switchboardTracingObserver(SwitchboardTracing tracing) {
        return tracing.observer();
    }

    /** Publish and deliver spans on the application's bus beans. */
    @Bean
    BusDecorator switchboardTracingBuses(SwitchboardTracing tracing) {
        return tracing::bus;
    }
}
