package io.switchboard.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.switchboard.api.EventBus;
import io.switchboard.api.EventHandler;
import io.switchboard.core.bus.InMemoryEventBus;
import io.switchboard.core.RuntimeObserver;
import io.switchboard.core.Switchboard;
import io.switchboard.micrometer.SwitchboardMetrics;
import io.switchboard.opentelemetry.SwitchboardTracing;
import io.switchboard.test.Events;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SwitchboardObservabilityAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SwitchboardAutoConfiguration.class,
                    SwitchboardMetricsAutoConfiguration.class, SwitchboardHealthAutoConfiguration.class,
                    SwitchboardTracingAutoConfiguration.class))
            .withBean("work", EventHandler.class, () -> event -> { })
            .withPropertyValues("switchboard.triggers.jobs.inputs.all.event-source=app",
            "switchboard.triggers.jobs.inputs.all.filter=type = 'job'",
                    "switchboard.triggers.jobs.subscribers[0].name=run",
                    "switchboard.triggers.jobs.subscribers[0].sink.handler=work");

    private static void publishJob(Switchboard sb) throws Exception {
        sb.publish(Events.event("job").id("j-1").build()).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void switchboardMetersAreRegisteredWithTheApplicationsMeterRegistry() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasBean("switchboardMetricsObserver");
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            publishJob(context.getBean(Switchboard.class));
            await().atMost(Duration.ofSeconds(5)).until(() -> registry.find("switchboard.subscriber.delivered")
                    .tags("trigger", "jobs", "subscriber", "run").functionCounter() != null
                    && registry.find("switchboard.subscriber.delivered").tags("trigger", "jobs", "subscriber", "run")
                    .functionCounter().count() == 1.0);
            assertThat(registry.find("switchboard.ready").gauge().value()).isEqualTo(1.0);
        });
    }

    @Test
    void withoutAMeterRegistryNoMetricsObserverIsRegistered() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean("switchboardMetricsObserver");
            assertThat(context).hasSingleBean(Switchboard.class);
        });
    }

    @Test
    void withoutEventsMicrometerOnTheClassPathNoMetricsObserverIsRegistered() {
        runner.withClassLoader(new FilteredClassLoader(SwitchboardMetrics.class))
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean("switchboardMetricsObserver");
                    assertThat(context.getBean(MeterRegistry.class).find("switchboard.ready").gauge()).isNull();
                });
    }

    @Test
    void metricsEnabledFalseTurnsTheMetersOff() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("switchboard.metrics.enabled=false").run(context ->
                        assertThat(context).doesNotHaveBean("switchboardMetricsObserver"));
    }

    @Test
    void theHealthIndicatorIsUpWhileRunningAndDownOnceClosed() {
        runner.run(context -> {
            HealthIndicator indicator = context.getBean("switchboardHealthIndicator", HealthIndicator.class);
            Health health = indicator.health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("state", "RUNNING").containsKey("buses");
            context.getBean(Switchboard.class).close();
            assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
        });
    }

    @Test
    void theHealthIndicatorIsOutOfServiceBeforeTheRuntimeStarts() {
        try (Switchboard notStarted = Switchboard.builder().build()) {
            Health health = new SwitchboardHealthIndicator(notStarted).health();
            assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(health.getDetails()).containsEntry("state", "NEW").containsKey("problems");
        }
    }

    @Test
    void withoutSpringBootHealthOnTheClassPathThereIsNoHealthIndicator() {
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean("switchboardHealthIndicator");
        });
    }

    @Test
    void theHealthIndicatorCanBeDisabledLikeAnyOther() {
        runner.withPropertyValues("management.health.switchboard.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean("switchboardHealthIndicator"));
    }

    @Test
    void withSwitchboardDisabledThereIsNoHealthIndicator() {
        runner.withPropertyValues("switchboard.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean("switchboardHealthIndicator"));
    }

    @Test
    void handlerCallsAreTracedWithTheApplicationsOpenTelemetry() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        runner.withBean(OpenTelemetry.class, () -> OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build())
                .run(context -> {
                    assertThat(context).hasSingleBean(SwitchboardTracing.class);
                    publishJob(context.getBean(Switchboard.class));
                    await().atMost(Duration.ofSeconds(5)).until(() -> spans.getFinishedSpanItems().stream()
                            .map(SpanData::getName).anyMatch("handle jobs"::equals));
                });
    }

    @Test
    void eventBusBeansAreWrappedForPublishAndDeliverSpans() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        runner.withBean(OpenTelemetry.class, () -> OpenTelemetrySdk.builder()
                        .setTracerProvider(SdkTracerProvider.builder()
                                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build())
                .withBean("appBus", EventBus.class, () -> InMemoryEventBus.builder().build())
                .run(context -> {
                    publishJob(context.getBean(Switchboard.class));
                    await().atMost(Duration.ofSeconds(5)).until(() -> spans.getFinishedSpanItems().stream()
                            .map(SpanData::getName).toList().containsAll(List.of("publish app", "deliver app",
                                    "handle jobs")));
                });
    }

    @Test
    void withoutEventsOpenTelemetryOnTheClassPathNothingIsTracedEvenWithAnOpenTelemetryBean() {
        runner.withClassLoader(new FilteredClassLoader(SwitchboardTracing.class))
                .withBean(OpenTelemetry.class, OpenTelemetry::noop).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean("switchboardTracingObserver");
                });
    }

    @Test
    void withoutAnOpenTelemetryBeanNothingIsTraced() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(SwitchboardTracing.class);
            List<RuntimeObserver> observers = context.getBeanProvider(RuntimeObserver.class).orderedStream().toList();
            assertThat(observers).isEmpty();
        });
    }
}
