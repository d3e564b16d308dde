package io.switchboard.core.scaleout;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.BusCapability;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.switchboard.core.bus.InMemoryEventBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Several runtimes as members of one group on one shared bus that declares itself durable: correlated subscribers
 * re-key through their correlation topic, held events stay unacknowledged on the bus, identical ticks fire once.
 */
class CrossInstanceCorrelationTest {

    private static final String TOPIC = "switchboard.correlate.switchboard.orders.ship";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final InMemoryEventBus shared = InMemoryEventBus.builder().partitions(8).capacity(8192).build();
    private final List<Switchboard> running = new ArrayList<>();
    /** Firings by order id, over all instances. */
    private final Map<String, AtomicInteger> fired = new ConcurrentHashMap<>();

    @AfterEach
    void close() {
        running.forEach(Switchboard::close);
        shared.close();
    }

    private Trigger orders(Subscriber.Builder subscriber) {
        return Trigger.builder("orders")
                .input("created", "orders", "type = 'order.created'")
                .input("paid", "payments", "type = 'payment.settled'")
                .subscriber(subscriber.condition("created && paid").correlateBy("orderid")
                        .sink(Sink.firing(f -> fired.computeIfAbsent(
                                (String) f.event("created").getExtension("orderid"), k -> new AtomicInteger())
                                .incrementAndGet()))
                        .build())
                .build();
    }

    private Switchboard instance(BusCapability... without) {
        Switchboard sb = Switchboard.builder().bus(new SharedDurableBus(shared, without))
                .source(new NamedSource("orders")).source(new NamedSource("payments"))
                .trigger(orders(Subscriber.builder("ship"))).build().start();
        running.add(sb);
        return sb;
    }

    /** The key (subject) differs from the correlation attribute, so partners land on different members. */
    private static CloudEvent event(String type, String id, String order) {
        return CloudEventBuilder.v1().withId(id).withType(type).withSource(URI.create("/test"))
                .withSubject(id).withExtension("orderid", order).build();
    }

    private int firedOrders() {
        return fired.size();
    }

    @Test
    void partners_consumed_by_different_instances_meet_and_fire_once() {
        Switchboard a = instance();
        Switchboard b = instance();
        int orders = 300;
        for (int i = 0; i < orders; i++) {
            a.publish("orders", event("order.created", "c" + i, "o" + i)).toCompletableFuture().join();
            b.publish("payments", event("payment.settled", "p" + i, "o" + i)).toCompletableFuture().join();
        }
        await().atMost(WAIT).until(() -> firedOrders() == orders);
        assertThat(fired.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        await().atMost(WAIT).until(() -> shared.held(TOPIC, Switchboard.DEFAULT_GROUP) == 0);
        long firedA = a.runtime().stats("orders", "ship").fired();
        long firedB = b.runtime().stats("orders", "ship").fired();
        assertThat(firedA + firedB).isEqualTo(orders);
        assertThat(firedA).as("both members own correlation keys").isPositive();
        assertThat(firedB).as("both members own correlation keys").isPositive();
    }

    @Test
    void held_halves_survive_the_instance_that_held_them_leaving() {
        Switchboard a = instance();
        Switchboard b = instance();
        int orders = 100;
        for (int i = 0; i < orders; i++) {
            a.publish("orders", event("order.created", "c" + i, "o" + i)).toCompletableFuture().join();
        }
        await().atMost(WAIT).until(() -> shared.held(TOPIC, Switchboard.DEFAULT_GROUP) == orders);
        a.close();
        for (int i = 0; i < orders; i++) {
            b.publish("payments", event("payment.settled", "p" + i, "o" + i)).toCompletableFuture().join();
        }
        await().atMost(WAIT).until(() -> firedOrders() == orders);
        assertThat(fired.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(b.runtime().stats("orders", "ship").fired()).isEqualTo(orders);
        await().atMost(WAIT).until(() -> shared.held(TOPIC, Switchboard.DEFAULT_GROUP) == 0);
    }

    @Test
    void held_halves_are_reparked_past_their_age_and_still_fire_once() {
        AtomicInteger parkedCopies = new AtomicInteger();
        shared.subscribe(TOPIC, "observer", e -> { // another group sees every copy on the correlation topic
            if (e.getExtension("sbparked") != null) {
                parkedCopies.incrementAndGet();
            }
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        });
        Switchboard a = Switchboard.builder().bus(new SharedDurableBus(shared)).reparkHeldAfter(Duration.ofMillis(100))
                .source(new NamedSource("orders")).source(new NamedSource("payments"))
                .trigger(orders(Subscriber.builder("ship"))).build().start();
        running.add(a);
        for (int i = 0; i < 10; i++) {
            a.publish("orders", event("order.created", "c" + i, "o" + i)).toCompletableFuture().join();
        }
        // each held half goes round the correlation topic every ~100 ms: wait for a few rounds
        await().atMost(WAIT).until(() -> parkedCopies.get() >= 30);
        await().atMost(WAIT).until(() -> a.runtime().heldEvents() == 10);
        assertThat(shared.held(TOPIC, Switchboard.DEFAULT_GROUP)).as("one hold per half at a time")
                .isLessThanOrEqualTo(10);
        for (int i = 0; i < 10; i++) {
            a.publish("payments", event("payment.settled", "p" + i, "o" + i)).toCompletableFuture().join();
        }
        await().atMost(WAIT).until(() -> firedOrders() == 10);
        await().atMost(WAIT).until(() -> shared.held(TOPIC, Switchboard.DEFAULT_GROUP) == 0
                && a.runtime().heldEvents() == 0);
        assertThat(fired.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }

    @Test
    void a_replaced_trigger_keeps_the_held_halves_and_a_removed_one_lets_them_go() {
        Switchboard a = instance();
        for (int i = 0; i < 10; i++) {
            a.publish("orders", event("order.created", "c" + i, "o" + i)).toCompletableFuture().join();
        }
        await().atMost(WAIT).until(() -> shared.held(TOPIC, Switchboard.DEFAULT_GROUP) == 10);
        a.replaceTrigger(orders(Subscriber.builder("ship").concurrency(2))).toCompletableFuture().join();
        for (int i = 0; i < 5; i++) {
            a.publish("payments", event("payment.settled", "p" + i, "o" + i)).toCompletableFuture().join();
        }
        await().atMost(WAIT).until(() -> firedOrders() == 5);
        await().atMost(WAIT).until(() -> shared.held(TOPIC, Switchboard.DEFAULT_GROUP) == 5);
        a.removeTrigger("orders").toCompletableFuture().join();
        assertThat(shared.held(TOPIC, Switchboard.DEFAULT_GROUP)).isZero();
    }

    @Test
    void build_refuses_a_correlated_subscriber_on_a_shared_durable_bus_that_cannot_hold_and_accepts_the_opt_out() {
        assertThatThrownBy(() -> Switchboard.builder()
                .bus(new SharedDurableBus(shared, BusCapability.HELD_ACKNOWLEDGEMENT))
                .source(new NamedSource("orders")).source(new NamedSource("payments"))
                .trigger(orders(Subscriber.builder("ship"))).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("subscriber 'ship' of trigger 'orders'")
                .hasMessageContaining("bus 'default' (type shared-memory)")
                .hasMessageContaining("HELD_ACKNOWLEDGEMENT")
                .hasMessageContaining("correlateLocally()");

        Switchboard local = Switchboard.builder()
                .bus(new SharedDurableBus(shared, BusCapability.HELD_ACKNOWLEDGEMENT))
                .source(new NamedSource("orders")).source(new NamedSource("payments"))
                .trigger(orders(Subscriber.builder("ship").correlateLocally())).build().start();
        running.add(local);
        local.publish("orders", event("order.created", "c1", "o1")).toCompletableFuture().join();
        local.publish("payments", event("payment.settled", "p1", "o1")).toCompletableFuture().join();
        await().atMost(WAIT).until(() -> firedOrders() == 1);
        assertThat(shared.pending(TOPIC, Switchboard.DEFAULT_GROUP)).isZero();
    }

    @Test
    void the_in_memory_bus_itself_keeps_the_direct_path() {
        try (Switchboard sb = Switchboard.builder()
                .source(new NamedSource("orders")).source(new NamedSource("payments"))
                .trigger(orders(Subscriber.builder("ship"))).build().start()) {
            sb.publish("orders", event("order.created", "c1", "o1")).toCompletableFuture().join();
            sb.publish("payments", event("payment.settled", "p1", "o1")).toCompletableFuture().join();
            await().atMost(WAIT).until(() -> firedOrders() == 1);
        }
        assertThat(shared.pending(TOPIC, Switchboard.DEFAULT_GROUP)).isZero();
    }

    @Test
    void copies_of_an_identical_tick_from_every_instance_are_handled_once_and_other_sources_every_time() {
        AtomicInteger ticks = new AtomicInteger();
        AtomicInteger plain = new AtomicInteger();
        List<Switchboard> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Switchboard sb = Switchboard.builder().bus(new SharedDurableBus(shared))
                    .source(new NamedSource("ticks", true)).source(new NamedSource("plain"))
                    .trigger(Trigger.builder("t")
                            .input("tick", "ticks", null).input("other", "plain", null)
                            .subscriber("count", "tick || other", Sink.handler(e -> {
                                (e.getType().equals("tick") ? ticks : plain).incrementAndGet();
                            })).build())
                    .build().start();
            running.add(sb);
            three.add(sb);
        }
        for (int n = 0; n < 20; n++) {
            CloudEvent tick = CloudEventBuilder.v1().withId("ticks@" + n).withType("tick")
                    .withSource(URI.create("/timer")).build();
            CloudEvent other = CloudEventBuilder.v1().withId("same@" + n).withType("plain")
                    .withSource(URI.create("/plain")).build();
            for (Switchboard sb : three) {
                sb.sourceContext("ticks").emit(tick).toCompletableFuture().join();
                sb.sourceContext("plain").emit(other).toCompletableFuture().join();
            }
        }
        await().atMost(WAIT).until(() -> plain.get() == 60);
        await().atMost(WAIT).until(() -> ticks.get() == 20
                && three.stream().mapToLong(sb -> sb.runtime().skippedCopies()).sum() == 40);
        assertThat(ticks.get()).isEqualTo(20);
    }
}
