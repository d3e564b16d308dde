package io.switchboard.bench.scaleout;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.EventSource;
import io.switchboard.api.Sink;
import io.switchboard.api.SourceContext;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.switchboard.kafka.EmbeddedKafkaBroker;
import io.switchboard.kafka.KafkaBusConfig;
import io.switchboard.kafka.KafkaEventBus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.URI;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What the cross-instance path (docs/scaling.md) costs a correlated subscriber on the Kafka bus, per event, next to
 * the single-instance path in the same run: one {@link Switchboard} on one {@link KafkaEventBus} against an embedded
 * KRaft broker; trigger {@code created && paid} with {@code correlateBy("orderid")}, inputs from two sources (two
 * topics), keyed by the event id (not the order). Each invocation publishes {@link #ORDERS} orders (a created and a
 * paid event each: one operation is one source event) and returns when all of them fired.
 *
 * <ul>
 *   <li>{@code path=direct}: {@code correlateLocally()} — the source topics feed the gate (today's path).</li>
 *   <li>{@code path=rekeyed}: the default on a durable shared bus — every matched event is re-published to the
 *       subscriber's correlation topic keyed by the order, consumed again, offered with its held acknowledgement.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(0)
public class CrossInstanceCorrelationBenchmark {

    static final int ORDERS = 5_000;
    private static final int PARTITIONS = 3;

    private static final class Broker {
        static final EmbeddedKafkaBroker INSTANCE = new EmbeddedKafkaBroker().start();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(INSTANCE::close, "benchmark-broker-stop"));
        }
    }

    record Named(String name) implements EventSource {
        @Override
        public void start(SourceContext context) {
        }

        @Override
        public void close() {
        }
    }

    @State(Scope.Benchmark)
    public static class App {
        @Param({"direct", "rekeyed"})
        String path;

        /**
         * {@code defaults}: the bus as configured out of the box. {@code lowLatency}: producer {@code linger.ms=0} and
         * 64 lanes — a re-keyed event's source record waits for its copy's publish, so each lane's throughput is bound
         * by the publish latency, which linger and the lane count set.
         */
        @Param({"defaults", "lowLatency"})
        String bus;

        KafkaEventBus kafka;
        Switchboard switchboard;
        final AtomicLong fired = new AtomicLong();
        long round;

        @Setup(Level.Trial)
        public void start() {
            KafkaBusConfig.Builder config = KafkaBusConfig.builder()
                    .bootstrapServers(Broker.INSTANCE.bootstrapServers())
                    .topicPrefix("bench-" + UUID.randomUUID().toString().substring(0, 8) + ".")
                    .topicPartitions(PARTITIONS);
            if (bus.equals("lowLatency")) {
                config.producerProperty("linger.ms", 0).concurrency(64);
            }
            kafka = KafkaEventBus.create(config.build());
            Subscriber.Builder ship = Subscriber.builder("ship").condition("created && paid").correlateBy("orderid")
                    .sink(Sink.firing(f -> fired.incrementAndGet()));
            if (path.equals("direct")) {
                ship.correlateLocally();
            }
            switchboard = Switchboard.builder().bus(kafka).group("bench")
                    .source(new Named("orders")).source(new Named("payments"))
                    .trigger(Trigger.builder("orders")
                            .input("created", "orders", "type = 'order.created'")
                            .input("paid", "payments", "type = 'payment.settled'")
                            .subscriber(ship.build()).build())
                    .build().start();
        }

        @TearDown(Level.Trial)
        public void stop() {
            switchboard.close();
            kafka.close();
        }
    }

    private static CloudEvent event(String type, String id, String order) {
        return CloudEventBuilder.v1().withId(id).withType(type).withSource(URI.create("/bench"))
                .withSubject(id).withExtension("orderid", order).build();
    }

    @Benchmark
    @OperationsPerInvocation(2 * ORDERS)
    public void correlate(App app) {
        long round = app.round++;
        long target = app.fired.get() + ORDERS;
        CompletableFuture<Void> last = null;
        for (int i = 0; i < ORDERS; i++) {
            String order = "o" + round + "-" + i;
            app.switchboard.publish("orders", event("order.created", "c" + order, order));
            last = app.switchboard.publish("payments", event("payment.settled", "p" + order, order))
                    .toCompletableFuture();
        }
        last.join();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (app.fired.get() < target) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("only " + (app.fired.get() - target + ORDERS) + " of " + ORDERS
                        + " orders fired within 120 s");
            }
            LockSupport.parkNanos(100_000);
        }
    }
}
