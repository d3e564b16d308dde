package io.switchboard.bench.dispatch;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.api.EventBus;
import io.switchboard.api.FullQueuePolicy;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.RuntimeObserver;
import io.switchboard.core.Switchboard;
import io.switchboard.micrometer.SwitchboardMetrics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the metrics observer costs on the event path: the same routed dispatch as {@code InlineDispatchBenchmark}
 * (one trigger, {@code type = 'order.created'}, on a bus that hands the event straight to the runtime) with
 * {@code observers} = {@code none} (no observer: the code path of a runtime without metrics), {@code metrics}
 * ({@code SwitchboardMetrics.observer} on a {@link SimpleMeterRegistry} with its defaults: one inline call in 64 and
 * one asynchronous call in 8 timed, with the event's age), {@code metricsEveryCall} (every call timed) or {@code mdc} ({@code RuntimeObserver.logContext()}, for comparison; with this jar's slf4j-simple the
 * MDC itself is a no-op). {@code inline} measures the
 * publishing thread's cost per event; {@code async} the sustained hand-off rate to one asynchronous subscriber (lane
 * of 65,536, one consumer thread, producer blocks when full), whose handler is timed on the consumer thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MetricsOverheadBenchmark {

    static final String TYPE = "order.created";

    @Param({"none", "metrics", "metricsEveryCall", "mdc"})
    public String observers;

    CloudEvent event;
    long handled;
    final AtomicLong consumed = new AtomicLong();
    Switchboard inline;
    Switchboard async;
    ExecutorService executor;
    MeterRegistry registry;

    @Setup(Level.Trial)
    public void setUp() {
        // with a time attribute, so the end-to-end latency timer records too
        event = CloudEventBuilder.v1().withId("order-1").withType(TYPE).withSource(URI.create("/shop"))
                .withSubject("alice").withTime(OffsetDateTime.now()).build();
        registry = new SimpleMeterRegistry();
        inline = builder(new DirectBus())
                .trigger(Trigger.builder("orders").input("created", "type = '" + TYPE + "'")
                        .subscriber(Subscriber.builder("count").inline()
                                .handler(e -> handled += e.getId().length()).build())
                        .build())
                .build().start();
        executor = Executors.newSingleThreadExecutor();
        async = builder(new DirectBus()).executor(executor)
                .trigger(Trigger.builder("orders").input("created", "type = '" + TYPE + "'")
                        .subscriber(Subscriber.builder("count").concurrency(1).queueCapacity(1 << 16)
                                .whenFull(FullQueuePolicy.block(Duration.ofMinutes(1)))
                                .handler(e -> consumed.lazySet(consumed.get() + 1)).build())
                        .build())
                .build().start();
    }

    private Switchboard.Builder builder(EventBus bus) {
        Switchboard.Builder b = Switchboard.builder().bus(bus);
        switch (observers) {
            case "none" -> { }
            case "metrics" -> b.observer(SwitchboardMetrics.observer(registry));
            case "metricsEveryCall" -> b.observer(SwitchboardMetrics.observerBuilder(registry).inlineTimingSample(1)
                    .asyncTimingSample(1).build());
            case "mdc" -> b.observer(RuntimeObserver.logContext());
            default -> throw new IllegalArgumentException("observers must be none, metrics, metricsEveryCall or mdc,"
                    + " got " + observers);
        }
        return b;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        inline.close();
        async.close();
        executor.shutdownNow();
    }

    @Benchmark
    public Object inline() {
        return inline.publish(event);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Object async() {
        return async.publish(event);
    }
}
