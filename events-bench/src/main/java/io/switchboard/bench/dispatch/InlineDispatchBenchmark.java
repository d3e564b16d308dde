package io.switchboard.bench.dispatch;

import com.google.common.eventbus.EventBus;
import com.google.common.eventbus.Subscribe;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.event.EventListener;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One event, one matching handler, on the publishing thread: Switchboard's routed inline dispatch (one trigger whose
 * input filter is {@code type = 'order.created'}, through {@code Switchboard.publish} on a bus that hands the event
 * straight to the runtime) against a hand-written type check, Guava's {@code EventBus} and Spring's
 * {@code ApplicationEventPublisher} with an {@code @EventListener}. Every handler does the same work: it checks the
 * type (the peers have no filter language) and adds the event's id length to a counter.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InlineDispatchBenchmark {

    static final String TYPE = "order.created";

    CloudEvent event;
    long handled;
    Switchboard switchboard;
    Consumer<CloudEvent> handler;
    EventBus guava;
    AnnotationConfigApplicationContext spring;

    @Setup(Level.Trial)
    public void setUp() {
        event = CloudEventBuilder.v1().withId("order-1").withType(TYPE).withSource(URI.create("/shop"))
                .withSubject("alice").build();
        handler = e -> handled += e.getId().length();
        switchboard = Switchboard.builder().bus(new DirectBus())
                .trigger(Trigger.builder("orders").input("created", "type = '" + TYPE + "'")
                        .subscriber(Subscriber.builder("count").inline()
                                .handler(e -> handled += e.getId().length()).build())
                        .build())
                .build().start();
        guava = new EventBus("bench");
        guava.register(new GuavaListener(this));
        spring = new AnnotationConfigApplicationContext();
        spring.registerBean(SpringListener.class, () -> new SpringListener(this));
        spring.refresh();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        switchboard.close();
        spring.close();
    }

    @Benchmark
    public Object switchboardInline() {
        return switchboard.publish(event);
    }

    @Benchmark
    public long handWritten() {
        CloudEvent e = event;
        if (TYPE.equals(e.getType())) {
            handler.accept(e);
        }
        return handled;
    }

    @Benchmark
    public long guavaEventBus() {
        guava.post(event);
        return handled;
    }

    @Benchmark
    public long springEvents() {
        spring.publishEvent(event);
        return handled;
    }

    public static final class GuavaListener {
        private final InlineDispatchBenchmark bench;

        GuavaListener(InlineDispatchBenchmark bench) {
            this.bench = bench;
        }

        @Subscribe
        public void on(CloudEvent e) {
            if (TYPE.equals(e.getType())) {
                bench.handled += e.getId().length();
            }
        }
    }

    public static final class SpringListener {
        private final InlineDispatchBenchmark bench;

        public SpringListener(InlineDispatchBenchmark bench) {
            this.bench = bench;
        }

        @EventListener
        public void on(CloudEvent e) {
            if (TYPE.equals(e.getType())) {
                bench.handled += e.getId().length();
            }
        }
    }
}
