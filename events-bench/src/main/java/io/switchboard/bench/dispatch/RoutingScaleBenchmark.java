package io.switchboard.bench.dispatch;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
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
import java.util.concurrent.TimeUnit;

/**
 * Routing cost against the number of triggers: {@code triggers} triggers, each with its own {@code type = '…'} filter
 * and an inline subscriber; the event matches exactly one of them. The per-event cost should not grow with the
 * number of triggers (filters are indexed by type).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingScaleBenchmark {

    @Param({"10", "1000", "10000"})
    int triggers;

    CloudEvent event;
    long handled;
    Switchboard switchboard;

    @Setup(Level.Trial)
    public void setUp() {
        Switchboard.Builder b = Switchboard.builder().bus(new DirectBus());
        for (int i = 0; i < triggers; i++) {
            b.trigger(Trigger.builder("t" + i).input("in", "type = 'event.type." + i + "'")
                    .subscriber(Subscriber.builder("s").inline().handler(e -> handled++).build()).build());
        }
        switchboard = b.build().start();
        event = CloudEventBuilder.v1().withId("e-1").withType("event.type." + (triggers / 2))
                .withSource(URI.create("/bench")).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        switchboard.close();
    }

    @Benchmark
    public Object route() {
        return switchboard.publish(event);
    }
}
