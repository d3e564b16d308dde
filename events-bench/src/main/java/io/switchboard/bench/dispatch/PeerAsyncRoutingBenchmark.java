package io.switchboard.bench.dispatch;

import io.cloudevents.CloudEvent;
import io.switchboard.api.FullQueuePolicy;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * In-process routing to handlers on another thread, with {@code routes} routes (see {@link RouteShapes}), against
 * Camel's {@code seda:} and the Vert.x event bus. One operation is one event; each invocation publishes
 * {@link #EVENTS} events from the benchmark thread (taking turns through the routes, each matching one route) and
 * returns when the handlers have seen all of them, so the figure is the time per event from publish to handled,
 * queue and thread hand-off included. Every peer runs its handlers on one consumer thread.
 *
 * <ul>
 *   <li>{@code switchboardAsync}: one trigger per route (CESQL input filter), an asynchronous subscriber with one
 *       drain at a time and a queue of 65,536 that blocks the publisher when full; a one-thread executor.</li>
 *   <li>{@code camelSeda}: a {@code seda:} route (queue of 65,536, {@code blockWhenFull}, one concurrent consumer)
 *       whose consumer multicasts to the routes of {@link PeerRoutingBenchmark} ({@code direct:} + {@code filter} in
 *       the simple language + processor); https://camel.apache.org/components/4.x/seda-component.html.</li>
 *   <li>{@code vertxEventBus}: one verticle registers a local consumer per route on the address of the route's
 *       event type; the handler tests the tenant attribute (the event bus has no filter language). The benchmark
 *       thread publishes each event to its type's address; the CloudEvent travels by reference through a local
 *       codec, as https://vertx.io/docs/vertx-core/java/#_message_codecs describes for objects sent locally. All
 *       consumers run on the verticle's event loop.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PeerAsyncRoutingBenchmark {

    static final int EVENTS = 10_000;
    static final int QUEUE = 1 << 16;

    @Param({"1", "100"})
    public int routes;

    CloudEvent[] events;
    Map<String, Object>[] headers;
    /** Written only by each peer's one consumer thread. */
    final AtomicLong consumed = new AtomicLong();
    ExecutorService executor;
    Switchboard switchboard;
    CamelContext camel;
    ProducerTemplate template;
    Endpoint seda;
    Vertx vertx;
    EventBus eventBus;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        events = RouteShapes.events(routes);
        headers = new Map[routes];
        for (int i = 0; i < routes; i++) {
            headers[i] = RouteShapes.headers(events[i]);
        }

        executor = Executors.newSingleThreadExecutor();
        Switchboard.Builder builder = Switchboard.builder().bus(new DirectBus()).executor(executor);
        for (int i = 0; i < routes; i++) {
            builder.trigger(Trigger.builder("route-" + i).input("in", RouteShapes.cesql(i))
                    .subscriber(Subscriber.builder("handle").concurrency(1).queueCapacity(QUEUE)
                            .whenFull(FullQueuePolicy.block(Duration.ofMinutes(1)))
                            .handler(e -> count(e)).build())
                    .build());
        }
        switchboard = builder.build().start();

        camel = new DefaultCamelContext();
        String sedaUri = "seda:events?size=" + QUEUE + "&blockWhenFull=true&concurrentConsumers=1";
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                if (routes == 1) {
                    from(sedaUri).filter(simple(RouteShapes.simple(0)))
                            .process(x -> count(x.getMessage().getBody(CloudEvent.class)));
                } else {
                    String[] targets = new String[routes];
                    for (int i = 0; i < routes; i++) {
                        targets[i] = "direct:route-" + i;
                        from(targets[i]).filter(simple(RouteShapes.simple(i)))
                                .process(x -> count(x.getMessage().getBody(CloudEvent.class)));
                    }
                    from(sedaUri).multicast().to(targets);
                }
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
        seda = camel.getEndpoint(sedaUri);

        vertx = Vertx.vertx();
        eventBus = vertx.eventBus();
        eventBus.registerDefaultCodec((Class<CloudEvent>) events[0].getClass(), new LocalCodec());
        vertx.deployVerticle(new VerticleBase() {
            @Override
            public Future<?> start() {
                for (int i = 0; i < routes; i++) {
                    String tenant = RouteShapes.tenant(i);
                    vertx.eventBus().<CloudEvent>localConsumer(RouteShapes.type(i), message -> {
                        CloudEvent e = message.body();
                        if (tenant.equals(e.getExtension("tenant"))) {
                            count(e);
                        }
                    });
                }
                return Future.succeededFuture();
            }
        }).toCompletionStage().toCompletableFuture().join();

        switchboardAsync(); // each peer handles a full batch once before anything is measured
        camelSeda();
        vertxEventBus();
    }

    /** Every handler's work: count the event (one writer per peer, its consumer thread). */
    private void count(CloudEvent e) {
        consumed.lazySet(consumed.get() + 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        switchboard.close();
        executor.shutdownNow();
        camel.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void switchboardAsync() {
        long target = consumed.get() + EVENTS;
        for (int i = 0, r = 0; i < EVENTS; i++, r = r + 1 == routes ? 0 : r + 1) {
            switchboard.publish(events[r]);
        }
        await(target);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void camelSeda() {
        long target = consumed.get() + EVENTS;
        for (int i = 0, r = 0; i < EVENTS; i++, r = r + 1 == routes ? 0 : r + 1) {
            template.sendBodyAndHeaders(seda, events[r], headers[r]);
        }
        await(target);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void vertxEventBus() {
        long target = consumed.get() + EVENTS;
        for (int i = 0, r = 0; i < EVENTS; i++, r = r + 1 == routes ? 0 : r + 1) {
            CloudEvent e = events[r];
            eventBus.publish(e.getType(), e);
        }
        await(target);
    }

    private void await(long target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (consumed.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("handlers stalled at " + consumed.get() + " of " + target);
            }
            LockSupport.parkNanos(20_000);
        }
    }

    /** Passes the CloudEvent by reference to local consumers; never used on a wire. */
    static final class LocalCodec implements MessageCodec<CloudEvent, CloudEvent> {
        @Override
        public void encodeToWire(Buffer buffer, CloudEvent event) {
            throw new UnsupportedOperationException("local delivery only");
        }

        @Override
        public CloudEvent decodeFromWire(int pos, Buffer buffer) {
            throw new UnsupportedOperationException("local delivery only");
        }

        @Override
        public CloudEvent transform(CloudEvent event) {
            return event;
        }

        @Override
        public String name() {
            return "cloudevent-local";
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }
}
