package io.switchboard.bench.correlation;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Scheduler;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.internal.trigger.FiringGate;
import io.switchboard.core.internal.trigger.FiringGates;
import io.switchboard.core.time.Schedulers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A correlated {@code a && b} condition over many keys: the gate every multi-input subscriber passes.
 *
 * <p>Every key holds an {@code a} event before measurement starts, so the gate always holds {@code keys} keys. One
 * operation offers the {@code b} of the next key (the condition completes: the firing is built and the key is reset,
 * which removes it) and then that key's next {@code a} (the key is created again: a new snapshot, an age ticket). So
 * each operation is one complete correlation — two offers and one firing — in a gate of constant size.
 * {@code stateless} is the {@code a || b} gate for comparison: one offer that fires.
 *
 * <p>Run: {@code java -jar events-bench/target/benchmarks.jar 'bench.correlation' -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CorrelationBenchmark {

    @Param({"1000", "100000"})
    public int keys;

    /** Whether held events carry a window (each offer then also checks expiry). */
    @Param({"false", "true"})
    public boolean window;

    private FiringGate correlated;
    private FiringGate stateless;
    private CloudEvent[] as;
    private CloudEvent[] bs;
    private Scheduler scheduler;

    @State(Scope.Thread)
    public static class Cursor {
        private static final java.util.concurrent.atomic.AtomicInteger LANES = new java.util.concurrent.atomic.AtomicInteger();
        int next;
        /** For the two-thread benchmark: which half of the keys this thread owns. */
        int lane;

        @Setup(Level.Trial)
        public void assignLane() {
            lane = LANES.getAndIncrement() % 2;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        scheduler = Schedulers.system("correlation-bench");
        Subscriber.Builder subscriber = Subscriber.builder("join").condition("a && b").correlateBy("subject")
                .maxKeys(keys * 2).handler(e -> { });
        if (window) {
            subscriber.within(Duration.ofHours(1));
        }
        Subscriber join = subscriber.build();
        Subscriber any = Subscriber.builder("any").condition("a || b").handler(e -> { }).build();
        Trigger trigger = Trigger.builder("orders").input("a", null).input("b", null).subscriber(join).subscriber(any)
                .build();
        correlated = FiringGates.create(trigger, join, scheduler, new SubscriberCounters());
        stateless = FiringGates.create(trigger, any, scheduler, new SubscriberCounters());
        as = new CloudEvent[keys];
        bs = new CloudEvent[keys];
        for (int k = 0; k < keys; k++) {
            as[k] = event("order.created", "order-" + k);
            bs[k] = event("payment.settled", "order-" + k);
            correlated.offer("a", as[k]);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        correlated.close();
        stateless.close();
    }

    @Benchmark
    public Map<String, CloudEvent> correlatedPair(Cursor cursor) {
        int k = cursor.next;
        cursor.next = k + 1 == keys ? 0 : k + 1;
        Map<String, CloudEvent> fired = correlated.offer("b", bs[k]);
        correlated.offer("a", as[k]);
        return fired;
    }

    /** Two threads on disjoint halves of the keys: contention only inside the map, never on one key. */
    @Benchmark
    @Threads(2)
    public Map<String, CloudEvent> correlatedPairTwoThreads(Cursor cursor) {
        int half = keys / 2;
        int i = cursor.next;
        cursor.next = i + 1 == half ? 0 : i + 1;
        int k = cursor.lane * half + i;
        Map<String, CloudEvent> fired = correlated.offer("b", bs[k]);
        correlated.offer("a", as[k]);
        return fired;
    }

    @Benchmark
    public Map<String, CloudEvent> stateless(Cursor cursor) {
        int k = cursor.next;
        cursor.next = k + 1 == keys ? 0 : k + 1;
        return stateless.offer("b", bs[k]);
    }

    private static CloudEvent event(String type, String subject) {
        return CloudEventBuilder.v1().withId(type + ":" + subject).withSource(URI.create("/bench")).withType(type)
                .withSubject(subject).build();
    }
}
