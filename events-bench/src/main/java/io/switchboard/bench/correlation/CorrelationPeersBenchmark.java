package io.switchboard.bench.correlation;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.bench.dispatch.DirectBus;
import io.switchboard.core.Switchboard;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Correlation {@code a && b} by key against Camel's aggregator, both on the publishing thread, with {@code keys} keys
 * held. The shape of {@link CorrelationBenchmark}: before measuring, every key holds an {@code a}; one operation sends
 * the {@code b} of the next key (the pair completes, the handler gets both events, the key is gone) and then that
 * key's next {@code a} (the key is held again). One operation = one complete correlation, two events in. Each
 * invocation sends {@link #PAIRS} pairs and returns once the handler has seen all of them, because Camel hands a
 * completed aggregate to a thread of its own.
 *
 * <ul>
 *   <li>{@code switchboard}: the whole runtime through the public API — a trigger with inputs {@code a}
 *       ({@code type = 'order.created'}) and {@code b} ({@code type = 'payment.settled'}), a subscriber with the
 *       condition {@code a && b} correlated by {@code subject}, inline; {@code Switchboard.publish} on a bus that hands
 *       the event to the runtime on the publishing thread.</li>
 *   <li>{@code camelAggregate}: a {@code direct:} route with Camel's Aggregate EIP, correlation expression the
 *       {@code ce_subject} header, completion size 2, the built-in {@code GroupedBodyAggregationStrategy}, the default
 *       in-memory aggregation repository, no parallel processing — Camel 4 then hands each completed aggregate to one
 *       aggregator thread of its own, where the handler runs: https://camel.apache.org/components/4.x/eips/aggregate-eip.html. Completion size 2 counts
 *       messages per key; it does not check that the two are an {@code a} and a {@code b}, which Switchboard's
 *       condition does.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CorrelationPeersBenchmark {

    /** Pairs per invocation: each invocation waits until the handler has seen all of them. */
    static final int PAIRS = 1_000;

    @Param({"1000", "100000"})
    public int keys;

    CloudEvent[] as;
    CloudEvent[] bs;
    Map<String, Object>[] aHeaders;
    Map<String, Object>[] bHeaders;
    int next;
    /** Pairs handled; Camel's handler runs on the aggregator's thread, Switchboard's on the publishing thread. */
    final AtomicLong fired = new AtomicLong();
    Switchboard switchboard;
    CamelContext camel;
    ProducerTemplate template;
    Endpoint aggregate;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        as = new CloudEvent[keys];
        bs = new CloudEvent[keys];
        aHeaders = new Map[keys];
        bHeaders = new Map[keys];
        for (int k = 0; k < keys; k++) {
            as[k] = event("order.created", "order-" + k);
            bs[k] = event("payment.settled", "order-" + k);
            aHeaders[k] = headers(as[k]);
            bHeaders[k] = headers(bs[k]);
        }
        switchboard = Switchboard.builder().bus(new DirectBus())
                .trigger(Trigger.builder("orders").input("a", "type = 'order.created'")
                        .input("b", "type = 'payment.settled'")
                        .subscriber(Subscriber.builder("join").condition("a && b").correlateBy("subject")
                                .maxKeys(keys * 2).inline().handler(e -> fired.incrementAndGet()).build())
                        .build())
                .build().start();

        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:correlate")
                        .aggregate(header("ce_subject"), new GroupedBodyAggregationStrategy()).completionSize(2)
                        .process(exchange -> {
                            if (exchange.getMessage().getBody(List.class).size() == 2) {
                                fired.incrementAndGet();
                            }
                        });
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
        aggregate = camel.getEndpoint("direct:correlate");

        for (int k = 0; k < keys; k++) {
            switchboard.publish(as[k]);
            template.sendBodyAndHeaders(aggregate, as[k], aHeaders[k]);
        }
        long before = fired.get();
        switchboard(); // a batch of pairs per peer, each completing a key's pair and holding the key again
        long bySwitchboard = fired.get() - before;
        camelAggregate();
        long byCamel = fired.get() - before - bySwitchboard;
        if (bySwitchboard != PAIRS || byCamel != PAIRS) {
            throw new IllegalStateException("expected " + PAIRS + " pairs per peer, Switchboard fired " + bySwitchboard
                    + ", Camel " + byCamel);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        switchboard.close();
        camel.close();
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public void switchboard() {
        long target = fired.get() + PAIRS;
        for (int i = 0; i < PAIRS; i++) {
            int k = nextKey();
            switchboard.publish(bs[k]);
            switchboard.publish(as[k]);
        }
        await(target);
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public void camelAggregate() {
        long target = fired.get() + PAIRS;
        for (int i = 0; i < PAIRS; i++) {
            int k = nextKey();
            template.sendBodyAndHeaders(aggregate, bs[k], bHeaders[k]);
            template.sendBodyAndHeaders(aggregate, as[k], aHeaders[k]);
        }
        await(target);
    }

    private int nextKey() {
        int k = next;
        next = k + 1 == keys ? 0 : k + 1;
        return k;
    }

    private void await(long target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (fired.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("handler stalled at " + fired.get() + " of " + target);
            }
            LockSupport.parkNanos(20_000);
        }
    }

    private static CloudEvent event(String type, String subject) {
        return CloudEventBuilder.v1().withId(type + ":" + subject).withSource(URI.create("/bench")).withType(type)
                .withSubject(subject).build();
    }

    private static Map<String, Object> headers(CloudEvent event) {
        return Map.of("ce_id", event.getId(), "ce_type", event.getType(), "ce_source", event.getSource().toString(),
                "ce_subject", event.getSubject(), "ce_specversion", "1.0");
    }
}
