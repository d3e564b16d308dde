package io.switchboard.nats;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Acknowledgement;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.Subscription;
import io.nats.client.api.StorageType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code HELD_ACKNOWLEDGEMENT} on NATS: a held message is kept alive with in-progress acks (never redelivered while
 * held, however long past the ack wait) without holding back its key; released, it is acknowledged; when its holder
 * closes, it goes to the next member and the {@code whenReturned} action runs; when its holder crashes, it comes back
 * after the lease TTL and ack wait.
 */
class NatsHeldAcknowledgementTest {

    private static final NatsBusConfig CONFIG = SharedNats.fastBus(SharedNats.URL, SharedNats.uniquePrefix("held"))
            .storage(StorageType.Memory).build();

    @AfterAll
    static void deleteStream() {
        SharedNats.cleanUp(CONFIG);
    }

    /** Holds events whose id starts with "hold", acknowledges the rest; counts deliveries per id. */
    static final class Holder implements BusConsumer {
        final Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        final Map<String, Acknowledgement> held = new ConcurrentHashMap<>();
        final List<String> returned = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<Void> deliver(CloudEvent event) {
            throw new AssertionError("a bus with HELD_ACKNOWLEDGEMENT calls deliver(event, acknowledgement)");
        }

        @Override
        public CompletionStage<Void> deliver(CloudEvent event, Acknowledgement acknowledgement) {
            deliveries.merge(event.getId(), 1, Integer::sum);
            if (event.getId().startsWith("hold")) {
                acknowledgement.hold().whenReturned(() -> returned.add(event.getId()));
                held.put(event.getId(), acknowledgement);
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void heldEventIsNotRedeliveredWhileHeldAndLaterEventsOfItsKeyFlow() {
        String topic = TestEvents.unique("hold");
        String group = TestEvents.unique("g");
        Holder holder = new Holder();
        try (NatsEventBus bus = NatsEventBus.create(CONFIG)) {
            Subscription subscription = bus.subscribe(topic, group, holder);
            bus.publish(topic, TestEvents.event("hold-1", "k")).toCompletableFuture().join();
            for (int i = 0; i < 5; i++) {
                bus.publish(topic, TestEvents.event("next-" + i, "k")).toCompletableFuture().join();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> holder.deliveries.keySet().containsAll(
                    List.of("hold-1", "next-0", "next-1", "next-2", "next-3", "next-4")));
            // three ack waits: without in-progress acks JetStream would have redelivered it twice by now
            await().during(CONFIG.ackWait().multipliedBy(3)).atMost(CONFIG.ackWait().multipliedBy(4))
                    .until(() -> holder.deliveries.get("hold-1") == 1);

            holder.held.get("hold-1").release();
            subscription.close();
            Holder after = new Holder();
            bus.subscribe(topic, group, after);
            bus.publish(topic, TestEvents.event("later", "k")).toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(10)).until(() -> after.deliveries.containsKey("later"));
            assertThat(after.deliveries).as("released (acknowledged) events do not come back").containsOnlyKeys("later");
            assertThat(holder.returned).as("nothing was taken back: it was released first").isEmpty();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void heldEventGoesToTheNextMemberWhenItsHolderCloses() {
        String topic = TestEvents.unique("hold-close");
        String group = TestEvents.unique("g");
        Holder first = new Holder();
        try (NatsEventBus a = NatsEventBus.create(CONFIG); NatsEventBus b = NatsEventBus.create(CONFIG)) {
            Subscription holding = a.subscribe(topic, group, first);
            a.publish(topic, TestEvents.event("hold-2", "k2")).toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(10)).until(() -> first.held.containsKey("hold-2"));

            Holder second = new Holder();
            b.subscribe(topic, group, second);
            holding.close();

            await().atMost(Duration.ofSeconds(15)).until(() -> second.deliveries.containsKey("hold-2"));
            assertThat(first.returned).as("whenReturned ran on the holder that closed").containsExactly("hold-2");
            assertThat(first.deliveries.get("hold-2")).isEqualTo(1);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void heldEventComesBackAfterItsHolderCrashes() {
        String topic = TestEvents.unique("hold-crash");
        String group = TestEvents.unique("g");
        Holder first = new Holder();
        AtomicInteger returnedAfterCrash = new AtomicInteger();
        try (NatsEventBus b = NatsEventBus.create(CONFIG)) {
            NatsEventBus a = NatsEventBus.create(CONFIG);
            a.subscribe(topic, group, first);
            a.publish(topic, TestEvents.event("hold-3", "k3")).toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(10)).until(() -> first.held.containsKey("hold-3"));
            first.held.get("hold-3").whenReturned(returnedAfterCrash::incrementAndGet);

            Holder second = new Holder();
            b.subscribe(topic, group, second);
            long crashed = System.nanoTime();
            a.crash();

            await().atMost(CONFIG.leaseTtl().plus(CONFIG.ackWait()).plusSeconds(10))
                    .until(() -> second.deliveries.containsKey("hold-3"));
            System.out.printf("held event back on another member %d ms after its holder crashed (lease TTL %d ms, ack"
                    + " wait %d ms)%n", (System.nanoTime() - crashed) / 1_000_000, CONFIG.leaseTtl().toMillis(),
                    CONFIG.ackWait().toMillis());
            assertThat(returnedAfterCrash.get()).as("a crashed holder runs nothing").isZero();
        }
    }
}
