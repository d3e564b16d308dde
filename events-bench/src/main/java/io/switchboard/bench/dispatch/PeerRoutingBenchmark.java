package io.switchboard.bench.dispatch;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ChoiceDefinition;
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

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * In-process routing on the publishing thread against Apache Camel, with {@code routes} routes (see
 * {@link RouteShapes}: each filters on the event type and on the {@code tenant} attribute) and one event per operation
 * that matches exactly one route (the events take turns through all routes). Every handler adds the event id's length
 * to a counter.
 *
 * <ul>
 *   <li>{@code switchboardInline}: one trigger per route, its input filter the CESQL of the route, an inline
 *       subscriber; {@code Switchboard.publish} on a bus that hands the event straight to the runtime.</li>
 *   <li>{@code camelDirect}: Camel's publish–subscribe as its documentation builds it: a {@code direct:} route that
 *       multicasts each exchange to every route ({@code direct:route-i}), each a {@code filter} in the simple
 *       language followed by a processor. With one route, that route consumes {@code direct:events} itself.
 *       Multicast: https://camel.apache.org/components/4.x/eips/multicast-eip.html; filter:
 *       https://camel.apache.org/components/4.x/eips/filter-eip.html; direct:
 *       https://camel.apache.org/components/4.x/direct-component.html; the producer template, created once and
 *       reused, as https://camel.apache.org/manual/producertemplate.html recommends.</li>
 *   <li>{@code camelChoice}: the same routes as one content-based router ({@code choice} with a {@code when} per
 *       route), which stops at the first match — cheaper for Camel, but first-match rather than every-match semantics
 *       (https://camel.apache.org/components/4.x/eips/choice-eip.html).</li>
 * </ul>
 *
 * <p>Camel's message carries the CloudEvent as its body and the attributes as {@code ce_*} headers, prepared once
 * outside the measured path (as its Kafka component would deliver them); Switchboard reads the attributes from the
 * event. The Vert.x event bus has no delivery on the caller's thread; it is measured in
 * {@link PeerAsyncRoutingBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PeerRoutingBenchmark {

    @Param({"1", "100"})
    public int routes;

    CloudEvent[] events;
    Map<String, Object>[] headers;
    int next;
    long handled;
    Switchboard switchboard;
    CamelContext camel;
    ProducerTemplate template;
    Endpoint direct;
    Endpoint choice;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        events = RouteShapes.events(routes);
        headers = new Map[routes];
        for (int i = 0; i < routes; i++) {
            headers[i] = RouteShapes.headers(events[i]);
        }
        Switchboard.Builder builder = Switchboard.builder().bus(new DirectBus());
        for (int i = 0; i < routes; i++) {
            builder.trigger(Trigger.builder("route-" + i).input("in", RouteShapes.cesql(i))
                    .subscriber(Subscriber.builder("handle").inline()
                            .handler(e -> handled += e.getId().length()).build())
                    .build());
        }
        switchboard = builder.build().start();

        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                if (routes == 1) {
                    from("direct:events").filter(simple(RouteShapes.simple(0))).process(this::handle);
                } else {
                    String[] targets = new String[routes];
                    for (int i = 0; i < routes; i++) {
                        targets[i] = "direct:route-" + i;
                        from(targets[i]).filter(simple(RouteShapes.simple(i))).process(this::handle);
                    }
                    from("direct:events").multicast().to(targets);
                }
                ChoiceDefinition router = from("direct:choice").choice();
                for (int i = 0; i < routes; i++) {
                    router = router.when(simple(RouteShapes.simple(i))).process(this::handle);
                }
                router.end();
            }

            private void handle(org.apache.camel.Exchange exchange) {
                handled += exchange.getMessage().getBody(CloudEvent.class).getId().length();
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
        direct = camel.getEndpoint("direct:events");
        choice = camel.getEndpoint("direct:choice");
        verify();
    }

    /** Every peer delivers each event to exactly one handler before anything is measured. */
    private void verify() {
        for (int round = 0; round < 3; round++) {
            long before = handled;
            for (int i = 0; i < routes; i++) {
                switch (round) {
                    case 0 -> switchboard.publish(events[i]).toCompletableFuture().join();
                    case 1 -> template.sendBodyAndHeaders(direct, events[i], headers[i]);
                    default -> template.sendBodyAndHeaders(choice, events[i], headers[i]);
                }
            }
            long expected = 0;
            for (CloudEvent e : events) {
                expected += e.getId().length();
            }
            if (handled - before != expected) {
                throw new IllegalStateException("peer " + round + " handled " + (handled - before) + ", expected "
                        + expected);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        switchboard.close();
        camel.close();
    }

    private int nextEvent() {
        int i = next;
        next = i + 1 == routes ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public Object switchboardInline() {
        return switchboard.publish(events[nextEvent()]);
    }

    @Benchmark
    public long camelDirect() {
        int i = nextEvent();
        template.sendBodyAndHeaders(direct, events[i], headers[i]);
        return handled;
    }

    @Benchmark
    public long camelChoice() {
        int i = nextEvent();
        template.sendBodyAndHeaders(choice, events[i], headers[i]);
        return handled;
    }
}
