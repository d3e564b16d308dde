package io.switchboard.nats.scaleout;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.EventBus;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.api.EventSource;
import io.switchboard.api.SourceContext;
import io.switchboard.core.Switchboard;
import io.switchboard.core.source.cron.TimerSource;
import io.switchboard.nats.NatsBusConfig;
import io.switchboard.nats.NatsCrash;
import io.switchboard.nats.NatsEventBus;
import io.switchboard.nats.SharedNats;
import io.switchboard.nats.scaleout.Instances.Instance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterEach;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Acceptance of issue 10 on the real broker: two or three {@link Switchboard} instances in one JVM, each with its own
 * NATS bus client, one group, on the machine's NATS server with JetStream (a stream per test, deleted afterwards).
 * "Killing" an instance aborts its bus like a crashed process ({@link NatsCrash}): its leases are left to expire
 * (TTL 3 s here), its messages unacknowledged until their ack wait (2 s) ends. Prints what it measured.
 */
class CrossInstanceNatsTest {

    private final NatsBusConfig config = SharedNats.fastBus(SharedNats.URL, SharedNats.uniquePrefix("scaleout")).build();

    private Instances instances() {
        return new Instances(() -> NatsEventBus.create(config), NatsCrash::crash);
    }

    @AfterEach
    void deleteStream() {
        SharedNats.cleanUp(config);
    }

    /** Longest a test waits for everything to fire: a crashed member's partitions move once its leases expire (3 s). */
    private static final Duration WAIT = Duration.ofSeconds(45);

    /** A source the test publishes for through the publisher bus; it emits nothing itself. */
    record Named(String name) implements EventSource {
        @Override
        public void start(SourceContext context) {
        }

        @Override
        public void close() {
        }
    }

    private static Trigger orders(Map<String, AtomicInteger> fired, BooleanSupplier alive) {
        return Trigger.builder("orders")
                .input("created", "orders", "type = 'order.created'")
                .input("paid", "payments", "type = 'payment.settled'")
                .subscriber(Subscriber.builder("ship").condition("created && paid").correlateBy("orderid")
                        .sink(Sink.firing(f -> {
                            if (alive.getAsBoolean()) {
                                fired.computeIfAbsent((String) f.event("created").getExtension("orderid"),
                                        k -> new AtomicInteger()).incrementAndGet();
                            }
                        }))
                        .build())
                .build();
    }

    private static Switchboard.Builder ordersApp(Switchboard.Builder b, Map<String, AtomicInteger> fired,
                                                 BooleanSupplier alive) {
        return b.source(new Named("orders")).source(new Named("payments")).trigger(orders(fired, alive));
    }

    /** Keyed by its own id (subject), not by the order: partners land on different partitions and members. */
    private static CloudEvent event(String type, String id, String order) {
        return CloudEventBuilder.v1().withId(id).withType(type).withSource(URI.create("/shop"))
                .withSubject(id).withExtension("orderid", order).build();
    }

    private static long duplicates(Map<String, AtomicInteger> fired) {
        return fired.values().stream().mapToLong(n -> Math.max(0, n.get() - 1)).sum();
    }

    @Test
    void a_thousand_orders_from_two_sources_all_fire_while_instances_are_killed_and_restarted() throws Exception {
        Map<String, AtomicInteger> fired = new ConcurrentHashMap<>();
        try (Instances instances = instances()) {
            List<Instance> live = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                live.add(instances.start((b, alive) -> ordersApp(b, fired, alive)));
            }
            EventBus publisher = instances.publisher();
            int orders = 1000;
            long started = System.nanoTime();
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            int kills = 0;
            int restarts = 0;
            for (int i = 0; i < orders; i++) {
                sent.add(publisher.publish("orders", event("order.created", "c" + i, "o" + i)).toCompletableFuture());
                sent.add(publisher.publish("payments", event("payment.settled", "p" + i, "o" + i)).toCompletableFuture());
                if (i % 50 == 49) {
                    CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();
                    sent.clear();
                    Thread.sleep(150); // spread publishing over a few seconds, so kills land mid-stream
                }
                if (i == 250 || i == 650) {
                    instances.crash(live.remove(1));
                    kills++;
                }
                if (i == 450 || i == 850) {
                    live.add(instances.start((b, alive) -> ordersApp(b, fired, alive)));
                    restarts++;
                }
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();
            long published = System.nanoTime();
            await().atMost(WAIT).until(fired::size, n -> n == orders);
            long done = System.nanoTime();
            long dups = duplicates(fired);
            System.out.printf("[scale-out] orders: %d of %d fired, %d duplicate firings, %d kills, %d restarts,"
                            + " publishing %d ms, all fired %d ms after the last publish (total %d ms)%n",
                    fired.size(), orders, dups, kills, restarts, (published - started) / 1_000_000,
                    (done - published) / 1_000_000, (done - started) / 1_000_000);
            assertThat(fired).hasSize(orders);
            assertThat(fired.values()).allSatisfy(n -> assertThat(n.get()).isPositive());
        }
    }

    /**
     * A re-parked copy is the same event on the same correlation topic, inside JetStream's duplicate window: it must
     * travel under an id of its own, or the stream drops it while the original is released and the half is lost.
     */
    @Test
    void held_halves_re_parked_inside_the_duplicate_window_still_fire() throws Exception {
        Map<String, AtomicInteger> fired = new ConcurrentHashMap<>();
        try (Instances instances = instances()) {
            Instance a = instances.start((b, alive) -> ordersApp(b.reparkHeldAfter(Duration.ofMillis(300)), fired, alive));
            EventBus publisher = instances.publisher();
            int orders = 20;
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < orders; i++) {
                sent.add(publisher.publish("orders", event("order.created", "c" + i, "o" + i)).toCompletableFuture());
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();
            await().atMost(WAIT).until(() -> a.switchboard.runtime().heldEvents() == orders);
            Thread.sleep(2_000); // several re-park ages: every half travels as a re-parked copy at least once
            assertThat(a.switchboard.runtime().heldEvents()).as("halves held after re-parking").isEqualTo(orders);
            sent.clear();
            for (int i = 0; i < orders; i++) {
                sent.add(publisher.publish("payments", event("payment.settled", "p" + i, "o" + i)).toCompletableFuture());
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();
            await().atMost(WAIT).until(fired::size, n -> n == orders);
            assertThat(fired.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            assertThat(fired.keySet()).contains("o0");
        }
    }

    @Test
    void five_hundred_held_halves_all_fire_after_the_instance_holding_them_is_killed() {
        Map<String, AtomicInteger> fired = new ConcurrentHashMap<>();
        try (Instances instances = instances()) {
            Instance a = instances.start((b, alive) -> ordersApp(b, fired, alive));
            Instance b = instances.start((bb, alive) -> ordersApp(bb, fired, alive));
            EventBus publisher = instances.publisher();
            int orders = 500;
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < orders; i++) {
                sent.add(publisher.publish("orders", event("order.created", "c" + i, "o" + i)).toCompletableFuture());
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();
            await().atMost(WAIT).until(() -> a.switchboard.runtime().heldEvents()
                    + b.switchboard.runtime().heldEvents() == orders);
            Instance holder = a.switchboard.runtime().heldEvents() >= b.switchboard.runtime().heldEvents() ? a : b;
            Instance other = holder == a ? b : a;
            long heldByVictim = holder.switchboard.runtime().heldEvents();
            long started = System.nanoTime();
            instances.crash(holder);
            sent.clear();
            for (int i = 0; i < orders; i++) {
                sent.add(publisher.publish("payments", event("payment.settled", "p" + i, "o" + i)).toCompletableFuture());
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();
            await().atMost(WAIT).until(fired::size, n -> n == orders);
            long done = System.nanoTime();
            System.out.printf("[scale-out] held halves: killed the instance holding %d of %d; %d fired on the survivor,"
                            + " %d duplicate firings, all fired %d ms after the kill%n", heldByVictim, orders,
                    fired.size(), duplicates(fired), (done - started) / 1_000_000);
            assertThat(heldByVictim).isPositive();
            assertThat(fired).hasSize(orders);
            assertThat(other.switchboard.runtime().heldEvents()).isZero();
        }
    }

    @Test
    void three_instances_with_the_same_timer_handle_each_tick_once_and_at_least_once_across_a_kill() throws Exception {
        Duration period = Duration.ofMillis(500);
        int ticks = 30;
        Map<Instant, AtomicInteger> handled = new ConcurrentHashMap<>();
        try (Instances instances = instances()) {
            List<Instance> three = new ArrayList<>();
            List<AtomicInteger> byInstance = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                AtomicInteger mine = new AtomicInteger();
                byInstance.add(mine);
                three.add(instances.start((b, alive) -> b.source(TimerSource.fixedRate("ticks", period))
                        .trigger(Trigger.builder("tick").input("tick", "ticks", null)
                                .subscriber("count", null, Sink.handler(e -> {
                                    if (alive.getAsBoolean()) {
                                        mine.incrementAndGet();
                                        handled.computeIfAbsent(e.getTime().toInstant(), k -> new AtomicInteger())
                                                .incrementAndGet();
                                    }
                                })).build())));
            }
            // the first tick every instance emits: after the last one started
            Instant first = Instant.ofEpochMilli((System.currentTimeMillis() / period.toMillis() + 2) * period.toMillis());
            Instant last = first.plus(period.multipliedBy(ticks - 1));
            Instant crashAt = first.plus(period.multipliedBy(ticks / 2));
            // crash at the instant of tick crashAt: once the tick before it was handled
            await().atMost(WAIT).until(() -> handled.containsKey(crashAt.minus(period)));
            // kill the member that handles the ticks (all copies go to one partition, so to one member)
            int busiest = 0;
            for (int i = 1; i < 3; i++) {
                if (byInstance.get(i).get() > byInstance.get(busiest).get()) {
                    busiest = i;
                }
            }
            Instance owner = three.get(busiest);
            int handledByOwner = byInstance.get(busiest).get();
            instances.crash(owner);
            Instant crashed = Instant.now();
            await().atMost(WAIT).until(() -> {
                List<Instant> missing = new ArrayList<>();
                for (Instant t = first; !t.isAfter(last); t = t.plus(period)) {
                    if (!handled.containsKey(t)) {
                        missing.add(t);
                    }
                }
                return missing;
            }, List::isEmpty);
            Map<Instant, Integer> window = new TreeMap<>();
            for (Instant t = first; !t.isAfter(last); t = t.plus(period)) {
                window.put(t, handled.get(t).get());
            }
            long copies = window.values().stream().mapToLong(Integer::longValue).sum();
            long skipped = three.stream().mapToLong(i -> i.switchboard.runtime().skippedCopies()).sum();
            Instant quietBefore = crashed.minusSeconds(1);
            long beforeCrashOnce = window.entrySet().stream().filter(e -> e.getKey().isBefore(quietBefore))
                    .filter(e -> e.getValue() == 1).count();
            long beforeCrash = window.keySet().stream().filter(t -> t.isBefore(quietBefore)).count();
            System.out.printf("[scale-out] ticks: %d ticks of %d ms on 3 instances, one killed after tick %d;"
                            + " handled %d times in all (%d duplicates), copies skipped %d; ticks until 1 s before the"
                            + " kill handled exactly once: %d of %d; per tick: %s%n", ticks, period.toMillis(),
                    ticks / 2, copies, copies - ticks, skipped, beforeCrashOnce, beforeCrash, window.values());
            System.out.printf("[scale-out] ticks: the killed instance had handled %d ticks before the kill%n",
                    handledByOwner);
            assertThat(handledByOwner).as("the killed instance was the one handling the ticks").isPositive();
            assertThat(window.values()).allSatisfy(n -> assertThat(n).isPositive());
            assertThat(beforeCrashOnce).isEqualTo(beforeCrash);
            assertThat(beforeCrash).isGreaterThanOrEqualTo(ticks / 2 - 3);
        }
    }
}
