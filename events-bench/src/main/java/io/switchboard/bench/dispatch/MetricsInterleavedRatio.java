package io.switchboard.bench.dispatch;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.api.FullQueuePolicy;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.RuntimeObserver;
import io.switchboard.core.Switchboard;
import io.switchboard.micrometer.SwitchboardMetrics;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A drift-robust cross-check of {@link MetricsOverheadBenchmark}'s inline ratio for a shared machine: alternates short
 * bursts of inline routed dispatch without an observer and with {@code SwitchboardMetrics.observer} (and, for
 * comparison, {@code RuntimeObserver.logContext()}) in one JVM, so both see the same load, and reports the median
 * time per event of each and the median of the per-round ratios. Run with
 * {@code java -cp events-bench/target/benchmarks.jar io.switchboard.bench.dispatch.MetricsInterleavedRatio}.
 */
public final class MetricsInterleavedRatio {

    private static long handled;
    private static volatile Object sink;

    private MetricsInterleavedRatio() {
    }

    public static void main(String[] args) {
        CloudEvent event = CloudEventBuilder.v1().withId("order-1").withType("order.created")
                .withSource(URI.create("/shop")).withSubject("alice").withTime(OffsetDateTime.now()).build();
        Switchboard none = runtime(null);
        Switchboard metrics = runtime(SwitchboardMetrics.observer(new SimpleMeterRegistry()));
        Switchboard mdc = runtime(RuntimeObserver.logContext());
        // the floor: the wrapper and its sampling decision, with (almost) no call ever timed
        Switchboard floor = runtime(SwitchboardMetrics.observerBuilder(new SimpleMeterRegistry())
                .inlineTimingSample(1 << 30).build());
        int rounds = 21;
        for (int w = 0; w < 10; w++) {
            burst(none, event, 100);
            burst(metrics, event, 100);
            burst(mdc, event, 100);
            burst(floor, event, 100);
        }
        double[] floorRatio = new double[rounds];
        double[] plain = new double[rounds];
        double[] timed = new double[rounds];
        double[] logged = new double[rounds];
        double[] ratio = new double[rounds];
        double[] mdcRatio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            plain[r] = burst(none, event, 100);
            timed[r] = burst(metrics, event, 100);
            logged[r] = burst(mdc, event, 100);
            floorRatio[r] = burst(floor, event, 100) / plain[r];
            ratio[r] = timed[r] / plain[r];
            mdcRatio[r] = logged[r] / plain[r];
        }
        System.out.printf("inline, no observer        %8.1f ns/op%n", median(plain));
        System.out.printf("inline, metrics observer   %8.1f ns/op, median ratio %.2fx%n", median(timed), median(ratio));
        System.out.printf("inline, log-context (MDC)  %8.1f ns/op, median ratio %.2fx%n", median(logged), median(mdcRatio));
        System.out.printf("inline, metrics, never timed: median ratio %.2fx (the wrapper and the sampling decision)%n",
                median(floorRatio));
        none.close();
        floor.close();
        metrics.close();
        mdc.close();

        // asynchronous: one consumer thread; a burst ends when the consumer has handled every event of it
        ExecutorService executor = Executors.newFixedThreadPool(3);
        AsyncRuntime asyncNone = new AsyncRuntime(null, executor);
        AsyncRuntime asyncMetrics = new AsyncRuntime(SwitchboardMetrics.observer(new SimpleMeterRegistry()), executor);
        AsyncRuntime asyncEvery = new AsyncRuntime(SwitchboardMetrics.observerBuilder(new SimpleMeterRegistry())
                .asyncTimingSample(1).build(), executor);
        for (int w = 0; w < 10; w++) {
            asyncNone.burst(event, 100);
            asyncMetrics.burst(event, 100);
            asyncEvery.burst(event, 100);
        }
        double[] everyRatio = new double[rounds];
        double[] aPlain = new double[rounds];
        double[] aTimed = new double[rounds];
        double[] aRatio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            aPlain[r] = asyncNone.burst(event, 100);
            aTimed[r] = asyncMetrics.burst(event, 100);
            aRatio[r] = aTimed[r] / aPlain[r];
            everyRatio[r] = asyncEvery.burst(event, 100) / aPlain[r];
        }
        System.out.printf("async, no observer         %8.1f ns/event%n", median(aPlain));
        System.out.printf("async, metrics observer    %8.1f ns/event, median ratio %.2fx%n", median(aTimed), median(aRatio));
        System.out.printf("async, metrics, every call timed: median ratio %.2fx%n", median(everyRatio));
        asyncNone.sb.close();
        asyncEvery.sb.close();
        asyncMetrics.sb.close();
        executor.shutdownNow();
        System.exit(handled == 42 ? 1 : 0);
    }

    private static Switchboard runtime(RuntimeObserver observer) {
        Switchboard.Builder b = Switchboard.builder().bus(new DirectBus());
        if (observer != null) {
            b.observer(observer);
        }
        return b.trigger(Trigger.builder("orders").input("created", "type = 'order.created'")
                        .subscriber(Subscriber.builder("count").inline()
                                .handler(e -> handled += e.getId().length()).build())
                        .build())
                .build().start();
    }

    /** A runtime with one asynchronous subscriber that counts what it handled. */
    private static final class AsyncRuntime {
        final AtomicLong consumed = new AtomicLong();
        final Switchboard sb;

        AsyncRuntime(RuntimeObserver observer, ExecutorService executor) {
            Switchboard.Builder b = Switchboard.builder().bus(new DirectBus()).executor(executor);
            if (observer != null) {
                b.observer(observer);
            }
            sb = b.trigger(Trigger.builder("orders").input("created", "type = 'order.created'")
                            .subscriber(Subscriber.builder("count").concurrency(1).queueCapacity(1 << 16)
                                    .whenFull(FullQueuePolicy.block(Duration.ofMinutes(1)))
                                    .handler(e -> consumed.lazySet(consumed.get() + 1)).build())
                            .build())
                    .build().start();
        }

        /** Publishes for about {@code millis}, waits until all were handled, returns the mean ns per event. */
        double burst(CloudEvent event, long millis) {
            long before = consumed.get();
            long deadline = System.nanoTime() + millis * 1_000_000;
            long n = 0;
            long start = System.nanoTime();
            do {
                for (int i = 0; i < 1000; i++) {
                    sink = sb.publish(event);
                }
                n += 1000;
            } while (System.nanoTime() < deadline);
            while (consumed.get() - before < n) {
                Thread.onSpinWait();
            }
            return (double) (System.nanoTime() - start) / n;
        }
    }

    /** Publishes for about {@code millis} and returns the mean ns per publish. */
    private static double burst(Switchboard sb, CloudEvent event, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        long n = 0;
        long start = System.nanoTime();
        long now;
        do {
            for (int i = 0; i < 1000; i++) {
                sink = sb.publish(event);
            }
            n += 1000;
            now = System.nanoTime();
        } while (now < deadline);
        return (double) (now - start) / n;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
