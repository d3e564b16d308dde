package io.switchboard.core.scaleout;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.BusCapability;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.EventBus;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Subscription;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The first hop of a correlated subscriber on a bus with held acknowledgements: the source event's turn ends once its
 * copy was handed to the bus, but the source event stays unacknowledged until the copy was accepted, through failed
 * and retried publishes, and retries stop once the bus took the event back.
 */
class HeldCorrelationHopTest {

    private static final String SOURCE = "orders";
    private static final String HOP = "switchboard.correlate.switchboard.orders.ship";
    private static final String GROUP = Switchboard.DEFAULT_GROUP;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final InMemoryEventBus shared = InMemoryEventBus.builder().partitions(8).capacity(8192).build();
    private final List<Switchboard> running = new ArrayList<>();
    private final Map<String, AtomicInteger> fired = new ConcurrentHashMap<>();
    /** Ids of the copies that reached the correlation topic, as another group sees them. */
    private final Set<String> copies = ConcurrentHashMap.newKeySet();

    @AfterEach
    void close() {
        running.forEach(Switchboard::close);
        shared.close();
    }

    private Switchboard instance(EventBus bus) {
        Trigger orders = Trigger.builder("orders")
                .input("created", SOURCE, "type = 'order.created'")
                .input("paid", "payments", "type = 'payment.settled'")
                .subscriber(Subscriber.builder("ship").condition("created && paid").correlateBy("orderid")
                        .sink(Sink.firing(f -> fired.computeIfAbsent(
                                (String) f.event("created").getExtension("orderid"), k -> new AtomicInteger())
                                .incrementAndGet()))
                        .build())
                .build();
        Switchboard sb = Switchboard.builder().bus(bus)
                .source(new NamedSource(SOURCE)).source(new NamedSource("payments"))
                .trigger(orders).build().start();
        running.add(sb);
        return sb;
    }

    private void observeCopies() {
        shared.subscribe(HOP, "observer", e -> {
            copies.add(e.getId());
            return CompletableFuture.completedFuture(null);
        });
    }

    private static CloudEvent event(String type, String id, String subject, String order) {
        return CloudEventBuilder.v1().withId(id).withType(type).withSource(URI.create("/test"))
                .withSubject(subject).withExtension("orderid", order).build();
    }

    @Test
    void source_event_is_acknowledged_only_after_its_copy_was_accepted_and_later_events_of_its_key_flow_meanwhile() {
        observeCopies();
        // the copy of c0 is left pending: the test decides each attempt's outcome
        LinkedBlockingQueue<CompletableFuture<Void>> attempts = new LinkedBlockingQueue<>();
        AtomicInteger attempted = new AtomicInteger();
        Switchboard a = instance(new FaultyBus(shared, copy -> {
            if (!copy.getId().equals("c0")) {
                return null;
            }
            attempted.incrementAndGet();
            CompletableFuture<Void> outcome = new CompletableFuture<>();
            attempts.add(outcome);
            return outcome;
        }));
        a.publish(SOURCE, event("order.created", "c0", "k", "o0")).toCompletableFuture().join();
        await().atMost(WAIT).until(() -> attempted.get() == 1);
        await().atMost(WAIT).until(() -> shared.held(SOURCE, GROUP) == 1);

        // the held event's turn is over: the next event of the same key is routed and re-published
        a.publish(SOURCE, event("order.created", "c1", "k", "o1")).toCompletableFuture().join();
        await().atMost(WAIT).until(() -> copies.contains("c1"));
        assertThat(shared.held(SOURCE, GROUP)).as("c0 stays unacknowledged").isEqualTo(1);

        attempts.remove().completeExceptionally(new IllegalStateException("broker unavailable (test)"));
        await().atMost(WAIT).until(() -> attempted.get() == 2);
        assertThat(shared.held(SOURCE, GROUP)).as("c0 stays unacknowledged after a failed publish").isEqualTo(1);
        attempts.remove().completeExceptionally(new IllegalStateException("broker unavailable (test)"));
        await().atMost(WAIT).until(() -> attempted.get() == 3);
        assertThat(shared.held(SOURCE, GROUP)).as("c0 stays unacknowledged after two failed publishes").isEqualTo(1);
        assertThat(copies).doesNotContain("c0");

        attempts.remove().complete(null);
        await().atMost(WAIT).until(() -> shared.held(SOURCE, GROUP) == 0);
        assertThat(attempted.get()).isEqualTo(3);

        a.publish("payments", event("payment.settled", "p0", "p0", "o0")).toCompletableFuture().join();
        a.publish("payments", event("payment.settled", "p1", "p1", "o1")).toCompletableFuture().join();
        await().atMost(WAIT).until(() -> fired.size() == 2);
        assertThat(fired.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }

    @Test
    void an_event_the_bus_takes_back_stops_its_retries_and_the_member_it_moves_to_publishes_it() {
        observeCopies();
        Map<String, AtomicInteger> attemptsAtA = new ConcurrentHashMap<>();
        Switchboard a = instance(new FaultyBus(shared, copy -> {
            attemptsAtA.computeIfAbsent(copy.getId(), k -> new AtomicInteger()).incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("broker unavailable (test)"));
        }));
        int events = 16;
        for (int i = 0; i < events; i++) {
            a.publish(SOURCE, event("order.created", "c" + i, "k" + i, "o" + i)).toCompletableFuture().join();
        }
        await().atMost(WAIT).until(() -> attemptsAtA.size() == events
                && attemptsAtA.values().stream().allMatch(n -> n.get() >= 2));
        assertThat(shared.held(SOURCE, GROUP)).isEqualTo(events);

        // a second member joins: the partitions moving to it take their held events back from a
        instance(new FaultyBus(shared, copy -> null));
        await().atMost(WAIT).until(() -> !copies.isEmpty());
        await().atMost(WAIT).until(() -> shared.held(SOURCE, GROUP) == events - copies.size());
        Set<String> moved = Set.copyOf(copies);
        assertThat(moved.size()).as("some partitions moved").isBetween(1, events - 1);

        // let a's remaining events retry twice more: by then, a retry of a moved event would have shown
        Map<String, Integer> before = snapshot(attemptsAtA);
        await().atMost(WAIT).until(() -> attemptsAtA.entrySet().stream()
                .filter(e -> !moved.contains(e.getKey()))
                .allMatch(e -> e.getValue().get() >= before.get(e.getKey()) + 2));
        for (String id : moved) {
            assertThat(attemptsAtA.get(id).get()).as("retries of %s, taken back by the bus", id)
                    .isLessThanOrEqualTo(before.get(id));
        }
        assertThat(copies).as("a never got a copy through").isEqualTo(moved);
    }

    private static Map<String, Integer> snapshot(Map<String, AtomicInteger> counts) {
        Map<String, Integer> out = new ConcurrentHashMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /**
     * One instance's client of the shared bus whose publishes to the correlation topic go through {@code outcome}
     * first: a stage it returns stands for the broker's answer; {@code null} publishes for real.
     */
    private static final class FaultyBus implements EventBus {
        private final SharedDurableBus bus;
        private final Function<CloudEvent, CompletableFuture<Void>> outcome;

        FaultyBus(InMemoryEventBus shared, Function<CloudEvent, CompletableFuture<Void>> outcome) {
            this.bus = new SharedDurableBus(shared);
            this.outcome = outcome;
        }

        @Override
        public String type() {
            return bus.type();
        }

        @Override
        public Set<BusCapability> capabilities() {
            return bus.capabilities();
        }

        @Override
        public CompletionStage<Void> publish(String topic, CloudEvent event) {
            return bus.publish(topic, event);
        }

        @Override
        public CompletionStage<Void> publish(String topic, CloudEvent event, String partitionKey) {
            if (topic.equals(HOP)) {
                CompletableFuture<Void> answer = outcome.apply(event);
                if (answer != null) {
                    return answer.thenCompose(ok -> bus.publish(topic, event, partitionKey));
                }
            }
            return bus.publish(topic, event, partitionKey);
        }

        @Override
        public Subscription subscribe(String topic, String group, BusConsumer consumer) {
            return bus.subscribe(topic, group, consumer);
        }

        @Override
        public void close() {
        }
    }
}
