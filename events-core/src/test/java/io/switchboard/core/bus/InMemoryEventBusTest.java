package io.switchboard.core.bus;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.BusCapability;
import io.switchboard.api.PoisonMessage;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.Subscription;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class InMemoryEventBusTest {

    private final ManualScheduler time = new ManualScheduler();
    private InMemoryEventBus bus;

    @AfterEach
    void close() {
        if (bus != null) {
            bus.close();
        }
    }

    static CloudEvent event(String id, String subject) {
        return CloudEventBuilder.v1().withId(id).withType("t").withSource(URI.create("/s")).withSubject(subject).build();
    }

    @Test
    void a_drain_waiter_is_woken_when_the_last_event_finishes_not_at_its_deadline() throws Exception {
        bus = InMemoryEventBus.builder().scheduler(time).build();
        CompletableFuture<Void> held = new CompletableFuture<>();
        bus.subscribe("t", "g", e -> held);
        bus.publish("t", event("1", "k")).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(bus.pending("t", "g")).isEqualTo(1);
        assertThat(bus.awaitDelivered("t", "g", System.nanoTime())).as("a deadline already passed returns at once")
                .isEqualTo(1);

        CompletableFuture<Long> left = CompletableFuture.supplyAsync(() -> {
            try {
                return bus.awaitDelivered("t", "g", System.nanoTime() + TimeUnit.HOURS.toNanos(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        held.complete(null);

        // an hour's deadline: only the signal can end the wait within the bound below
        assertThat(left.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(bus.awaitDelivered("other", "g", System.nanoTime() + TimeUnit.HOURS.toNanos(1))).isZero();
    }

    @Test
    void closing_the_bus_wakes_drain_waiters_with_what_is_left() throws Exception {
        bus = InMemoryEventBus.builder().scheduler(time).build();
        bus.subscribe("t", "g", e -> new CompletableFuture<>());
        bus.publish("t", event("1", "k")).toCompletableFuture().get(10, TimeUnit.SECONDS);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Long> left = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                return bus.awaitDelivered("t", "g", System.nanoTime() + TimeUnit.HOURS.toNanos(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();

        bus.close();

        assertThat(left.get(30, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void declares_redelivery_ordering_groups_and_held_acknowledgement_but_not_durability() {
        bus = InMemoryEventBus.create();
        assertThat(bus.type()).isEqualTo("memory");
        assertThat(bus.capabilities()).containsExactlyInAnyOrder(BusCapability.REDELIVERY,
                BusCapability.ORDERED_PER_KEY, BusCapability.CONSUMER_GROUPS, BusCapability.HELD_ACKNOWLEDGEMENT);
    }

    @Test
    void every_group_gets_every_event_and_members_of_a_group_share_them() {
        bus = InMemoryEventBus.builder().scheduler(time).build();
        List<String> a1 = new CopyOnWriteArrayList<>(), a2 = new CopyOnWriteArrayList<>(), b = new CopyOnWriteArrayList<>();
        bus.subscribe("orders", "a", e -> { a1.add(e.getId()); return CompletableFuture.completedFuture(null); });
        bus.subscribe("orders", "a", e -> { a2.add(e.getId()); return CompletableFuture.completedFuture(null); });
        bus.subscribe("orders", "b", e -> { b.add(e.getId()); return CompletableFuture.completedFuture(null); });
        for (int i = 0; i < 200; i++) {
            bus.publish("orders", event("e" + i, "k" + i)).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> b.size() == 200 && a1.size() + a2.size() == 200);
        assertThat(a1).doesNotContainAnyElementsOf(a2);
        assertThat(a1).isNotEmpty();
        assertThat(a2).isNotEmpty();
        assertThat(bus.pending()).isZero();
    }

    @Test
    void failed_stage_is_redelivered_after_backoff_and_holds_back_its_partition() {
        bus = InMemoryEventBus.builder().scheduler(time).partitions(1).redeliveryBackoff(Duration.ofSeconds(1),
                Duration.ofSeconds(1)).build();
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger failuresLeft = new AtomicInteger(2);
        bus.subscribe("t", "g", e -> {
            seen.add(e.getId());
            if (e.getId().equals("1") && failuresLeft.getAndDecrement() > 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("boom"));
            }
            return CompletableFuture.completedFuture(null);
        });
        bus.publish("t", event("1", "k"));
        bus.publish("t", event("2", "k"));
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1 && time.pendingTasks() == 1);
        time.advance(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2 && time.pendingTasks() == 1);
        time.advance(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 4);
        assertThat(seen).containsExactly("1", "1", "1", "2");
        assertThat(bus.redelivered()).isEqualTo(2);
    }

    @Test
    void event_failing_every_delivery_goes_to_poison_with_its_json_form() {
        bus = InMemoryEventBus.builder().scheduler(time).maxDeliveries(2).redeliveryBackoff(Duration.ZERO,
                Duration.ZERO).build();
        List<PoisonMessage> poisoned = new CopyOnWriteArrayList<>();
        bus.subscribe("t", "g", new io.switchboard.api.BusConsumer() {
            @Override
            public java.util.concurrent.CompletionStage<Void> deliver(CloudEvent event) {
                throw new IllegalStateException("always");
            }

            @Override
            public java.util.concurrent.CompletionStage<Void> poison(PoisonMessage message) {
                poisoned.add(message);
                return CompletableFuture.completedFuture(null);
            }
        });
        bus.publish("t", event("x", "k"));
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            time.runDue();
            return poisoned.size() == 1;
        });
        PoisonMessage p = poisoned.get(0);
        assertThat(p.topic()).isEqualTo("t");
        assertThat(p.reason()).contains("delivery failed 2 times").contains("always");
        assertThat(new String(p.payload())).contains("\"id\":\"x\"");
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.pending() == 0);
    }

    @Test
    void event_whose_poison_handler_fails_too_is_counted_as_dead_lettered() {
        bus = InMemoryEventBus.builder().scheduler(time).maxDeliveries(1).build();
        bus.subscribe("t", "g", e -> CompletableFuture.failedFuture(new IllegalStateException("no")));
        bus.publish("t", event("x", "k"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.deadLettered() == 1 && bus.pending() == 0);
    }

    @Test
    void full_partition_rejects_publish_with_a_message_naming_topic_group_and_fix() throws Exception {
        bus = InMemoryEventBus.builder().scheduler(time).partitions(1).capacity(2).build();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> blocked = new CompletableFuture<>();
        bus.subscribe("t", "g", e -> blocked);
        bus.publish("t", event("1", "k")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.pending("t", "g") == 1 && bus.pending() == 1);
        // the first event is in flight; two more fill the ring
        bus.publish("t", event("2", "k")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        bus.publish("t", event("3", "k")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        assertThatThrownBy(() -> bus.publish("t", event("4", "k")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join())
                .hasCauseInstanceOf(PublishRejectedException.class)
                .hasMessageContaining("topic 't'").hasMessageContaining("group 'g'").hasMessageContaining("capacity(");
        release.countDown();
        blocked.complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.pending() == 0);
    }

    @Test
    void events_of_one_key_arrive_in_publish_order_across_concurrent_publishers() throws Exception {
        bus = InMemoryEventBus.builder().scheduler(time).partitions(4).capacity(4096).build();
        Map<String, List<Integer>> byKey = new ConcurrentHashMap<>();
        bus.subscribe("t", "g", e -> {
            byKey.computeIfAbsent(e.getSubject(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(Integer.parseInt(e.getId().substring(e.getId().indexOf(':') + 1)));
            return CompletableFuture.completedFuture(null);
        });
        ExecutorService publishers = Executors.newFixedThreadPool(4);
        for (int p = 0; p < 4; p++) {
            String key = "key" + p;
            publishers.execute(() -> {
                for (int i = 0; i < 1000; i++) {
                    bus.publish("t", event(key + ":" + i, key)).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
                }
            });
        }
        publishers.shutdown();
        assertThat(publishers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> byKey.values().stream().mapToInt(List::size).sum() == 4000);
        for (List<Integer> seq : byKey.values()) {
            assertThat(seq).isSorted().hasSize(1000);
        }
    }

    @Test
    void closing_a_member_hands_its_partitions_to_the_others() {
        bus = InMemoryEventBus.builder().scheduler(time).build();
        List<String> first = new CopyOnWriteArrayList<>(), second = new CopyOnWriteArrayList<>();
        Subscription s1 = bus.subscribe("t", "g", e -> { first.add(e.getId()); return CompletableFuture.completedFuture(null); });
        bus.subscribe("t", "g", e -> { second.add(e.getId()); return CompletableFuture.completedFuture(null); });
        s1.close();
        for (int i = 0; i < 50; i++) {
            bus.publish("t", event("e" + i, "k" + i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> second.size() == 50);
        assertThat(first).isEmpty();
    }

    @Test
    void an_unfinished_delivery_of_a_member_that_leaves_goes_to_the_next_member() {
        bus = InMemoryEventBus.builder().scheduler(time).partitions(1).build();
        CompletableFuture<Void> never = new CompletableFuture<>();
        List<String> slow = new CopyOnWriteArrayList<>(), next = new CopyOnWriteArrayList<>();
        Subscription first = bus.subscribe("t", "g", e -> { slow.add(e.getId()); return never; });
        bus.publish("t", event("held", "k"));
        bus.publish("t", event("after", "k"));
        await().atMost(Duration.ofSeconds(5)).until(() -> slow.contains("held"));
        bus.subscribe("t", "g", e -> { next.add(e.getId()); return CompletableFuture.completedFuture(null); });
        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> next.size() == 2);
        assertThat(next).containsExactly("held", "after");
        never.complete(null); // the late outcome of the closed member changes nothing
        assertThat(bus.pending()).isZero();
        assertThat(slow).containsExactly("held");
    }

    @Test
    void close_stops_delivery_rejects_publishing_and_leaves_no_threads() {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        bus = InMemoryEventBus.create();
        bus.subscribe("t", "g", e -> CompletableFuture.completedFuture(null));
        bus.publish("t", event("1", "k")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.pending() == 0);
        bus.close();
        assertThatThrownBy(() -> bus.publish("t", event("2", "k")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join())
                .hasCauseInstanceOf(PublishRejectedException.class).hasMessageContaining("closed");
        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t))
                .noneMatch(t -> t.getName().startsWith("switchboard-memory-bus") && t.isAlive()));
    }

    @Test
    void is_found_by_service_loader_as_type_memory_and_rejects_unknown_settings() {
        var provider = ServiceLoader.load(io.switchboard.spi.EventBusProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.type().equals("memory")).findFirst().orElseThrow();
        bus = (InMemoryEventBus) provider.create(Map.of("partitions", "2", "capacity", "16"));
        assertThat(bus.toString()).contains("partitions=2").contains("capacity=16");
        assertThatThrownBy(() -> provider.create(Map.of("size", "1")))
                .hasMessageContaining("unknown setting 'size'").hasMessageContaining("capacity");
    }

    /** A consumer that holds every event whose id starts with "hold" and records what it was given. */
    static final class Holding implements io.switchboard.api.BusConsumer {
        final String name;
        final List<String> seen = new CopyOnWriteArrayList<>();
        final Map<String, io.switchboard.api.Acknowledgement> held = new ConcurrentHashMap<>();
        final List<String> returned = new CopyOnWriteArrayList<>();

        Holding(String name) {
            this.name = name;
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> deliver(CloudEvent event) {
            throw new AssertionError("a bus with held acknowledgement calls deliver(event, acknowledgement)");
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> deliver(CloudEvent event,
                                                                  io.switchboard.api.Acknowledgement ack) {
            seen.add(event.getId());
            if (event.getId().startsWith("hold")) {
                ack.hold();
                held.put(event.getId(), ack);
                ack.whenReturned(() -> {
                    held.remove(event.getId());
                    returned.add(event.getId());
                });
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void explicit_partition_key_puts_events_with_different_subjects_on_one_member_in_order() {
        bus = InMemoryEventBus.builder().scheduler(time).partitions(16).build();
        List<String> first = new CopyOnWriteArrayList<>(), second = new CopyOnWriteArrayList<>();
        bus.subscribe("t", "g", e -> { first.add(e.getId()); return CompletableFuture.completedFuture(null); });
        bus.subscribe("t", "g", e -> { second.add(e.getId()); return CompletableFuture.completedFuture(null); });
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sent.add("k" + i);
            bus.publish("t", event("k" + i, "subject-" + i), "one-key");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> first.size() + second.size() == 50);
        assertThat(first.isEmpty() ? second : first).containsExactlyElementsOf(sent);
        assertThat(first.isEmpty() || second.isEmpty()).isTrue();
    }

    @Test
    void a_held_event_does_not_block_its_partition_and_stays_unacknowledged_until_released() {
        bus = InMemoryEventBus.builder().scheduler(time).partitions(1).build();
        Holding consumer = new Holding("a");
        bus.subscribe("t", "g", consumer);
        bus.publish("t", event("hold-1", "k"));
        bus.publish("t", event("plain-2", "k"));
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.seen.size() == 2);
        assertThat(consumer.seen).containsExactly("hold-1", "plain-2");
        assertThat(bus.held("t", "g")).isEqualTo(1);
        assertThat(bus.pending("t", "g")).isZero();

        consumer.held.get("hold-1").release();
        assertThat(bus.held("t", "g")).isZero();
    }

    @Test
    void held_events_go_back_to_the_group_when_their_member_leaves_and_released_ones_do_not() {
        bus = InMemoryEventBus.builder().scheduler(time).partitions(4).build();
        Holding leaving = new Holding("leaving");
        Subscription s = bus.subscribe("t", "g", leaving);
        for (int i = 0; i < 20; i++) {
            bus.publish("t", event("hold-" + i, "k" + i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> leaving.held.size() == 20);
        for (int i = 0; i < 5; i++) {
            leaving.held.remove("hold-" + i).release();
        }
        Holding staying = new Holding("staying");
        bus.subscribe("t", "g", staying); // takes some partitions over: their held events move with them
        await().atMost(Duration.ofSeconds(10)).until(() -> leaving.returned.size() + leaving.held.size() == 15
                && staying.seen.size() == leaving.returned.size());
        s.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> staying.held.size() == 15);
        assertThat(staying.held.keySet()).doesNotContain("hold-0", "hold-1", "hold-2", "hold-3", "hold-4");
        assertThat(leaving.returned).hasSize(15).doesNotHaveDuplicates();
        assertThat(leaving.held).isEmpty();
        assertThat(bus.held("t", "g")).isEqualTo(15);
    }

    @Test
    void a_consumer_without_held_delivery_gets_no_acknowledgement_object() {
        bus = InMemoryEventBus.builder().scheduler(time).build();
        List<String> got = new CopyOnWriteArrayList<>();
        bus.subscribe("t", "g", e -> { got.add(e.getId()); return CompletableFuture.completedFuture(null); });
        bus.publish("t", event("1", "k"));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        assertThat(bus.held("t", "g")).isZero();
    }
}
