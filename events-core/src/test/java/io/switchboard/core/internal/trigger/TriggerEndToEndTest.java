package io.switchboard.core.internal.trigger;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.Firing;
import io.switchboard.api.RequestFailedException;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.SubscriberStats;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.switchboard.core.bus.InMemoryEventBus;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.TimeUnit;

import static io.switchboard.core.internal.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Trigger semantics through a running {@link Switchboard}: real bus, real dispatch threads. */
@Timeout(60)
class TriggerEndToEndTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final int REPLACEMENTS = 20;

    private static DeliveryPolicy fastRetries(int attempts) {
        return DeliveryPolicy.builder().maxAttempts(attempts)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20), 2.0).jitter(0.2).build();
    }

    private static Trigger orders(Subscriber subscriber) {
        return Trigger.builder("orders")
                .input("created", "type = 'order.created'")
                .input("paid", "type = 'payment.settled'")
                .subscriber(subscriber)
                .build();
    }

    @Test
    void correlatedAndFiresOncePerOrderWithBothEvents() throws Exception {
        Map<String, List<Firing>> shipped = new ConcurrentHashMap<>();
        Subscriber ship = Subscriber.builder("ship").condition("created && paid").correlateBy("subject")
                .sink(Sink.firing(f -> shipped.computeIfAbsent(f.event("created").getSubject(),
                        k -> new CopyOnWriteArrayList<>()).add(f)))
                .build();
        try (Switchboard sb = Switchboard.builder().trigger(orders(ship)).build().start()) {
            List<CloudEvent> events = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                events.add(event("order.created", "order-" + i));
                events.add(event("payment.settled", "order-" + i));
            }
            for (int i = 0; i < 20; i++) {
                events.add(event("order.created", "unpaid-" + i));
            }
            Collections.shuffle(events, new Random(3));
            publishFromThreads(sb, events, 4);

            await().atMost(PATIENCE).until(() -> shipped.size() == 300
                    && sb.runtime().stats("orders", "ship").delivered() == 300);
            assertThat(shipped).allSatisfy((order, firings) -> {
                assertThat(firings).hasSize(1);
                Firing f = firings.get(0);
                assertThat(f.events()).containsOnlyKeys("created", "paid");
                assertThat(f.event("paid").getSubject()).isEqualTo(order);
            });
            SubscriberStats stats = sb.runtime().stats("orders", "ship");
            assertThat(stats.fired()).isEqualTo(300);
            assertThat(stats.matched()).isEqualTo(620);
        }
    }

    @Test
    void replacingACorrelatedSubscriberUnderLoadKeepsHalfCompleteOrders() throws Exception {
        Map<String, LongAdder> fired = new ConcurrentHashMap<>();
        AtomicInteger version = new AtomicInteger();
        try (Switchboard sb = Switchboard.builder().trigger(orders(shipVersion(0, fired))).build().start()) {
            List<CloudEvent> created = new ArrayList<>();
            List<CloudEvent> paid = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                created.add(event("order.created", "order-" + i));
                paid.add(event("payment.settled", "order-" + i));
            }
            publishFromThreads(sb, created, 2);
            await().atMost(PATIENCE).until(() -> sb.runtime().stats("orders", "ship").matched() == 400);

            // a fixed number of replacements, made while the payments are published (no count depends on timing)
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> publishFromThreads(sb, paid, 2));
            List<CompletableFuture<Void>> retired = new ArrayList<>();
            for (int i = 0; i < REPLACEMENTS; i++) {
                retired.add(sb.replaceTrigger(orders(shipVersion(version.incrementAndGet(), fired)))
                        .toCompletableFuture());
            }
            publishing.orTimeout(30, TimeUnit.SECONDS).join();
            CompletableFuture.allOf(retired.toArray(new CompletableFuture<?>[0])).orTimeout(30, TimeUnit.SECONDS).join();

            await().atMost(PATIENCE).until(() -> fired.size() == 400);
            assertThat(fired.values()).allSatisfy(n -> assertThat(n.sum()).isEqualTo(1));
            assertThat(version.get()).isEqualTo(REPLACEMENTS);
        }
    }

    private static Subscriber shipVersion(int version, Map<String, LongAdder> fired) {
        return Subscriber.builder("ship").condition("created && paid").correlateBy("subject")
                .sink(Sink.firing(f -> fired.computeIfAbsent(f.event("created").getSubject(), k -> new LongAdder())
                        .increment()))
                .build();
    }

    @Test
    void exhaustedFiringIsDeadLetteredToABusTopicWithItsFailure() {
        InMemoryEventBus bus = InMemoryEventBus.create();
        List<CloudEvent> dlq = new CopyOnWriteArrayList<>();
        bus.subscribe("orders.dlq", "ops", e -> {
            dlq.add(e);
            return CompletableFuture.completedFuture(null);
        });
        AtomicInteger attempts = new AtomicInteger();
        Subscriber ship = Subscriber.builder("ship").condition("created && paid").correlateBy("subject")
                .sink(Sink.firing(f -> {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("carrier unavailable");
                }))
                .deliveryPolicy(fastRetries(3))
                .deadLetter(Sink.topic("orders.dlq"))
                .build();
        try (Switchboard sb = Switchboard.builder().bus(bus).trigger(orders(ship)).build().start()) {
            CloudEvent created = event("order.created", "order-7");
            CloudEvent paid = event("payment.settled", "order-7");
            sb.publish(created).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            sb.publish(paid).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();

            await().atMost(PATIENCE).until(() -> dlq.size() == 2);
            assertThat(attempts.get()).isEqualTo(3);
            assertThat(dlq).extracting(CloudEvent::getId).containsExactlyInAnyOrder(created.getId(), paid.getId());
            assertThat(dlq).allSatisfy(e -> {
                assertThat(e.getExtension("dlreason")).isEqualTo("exhausted");
                assertThat(e.getExtension("dlattempts")).isEqualTo(3);
                assertThat(e.getExtension("dlerror")).isEqualTo("carrier unavailable");
                assertThat(e.getExtension("dltrigger")).isEqualTo("orders");
                assertThat(e.getExtension("dlsubscriber")).isEqualTo("ship");
            });
            await().atMost(PATIENCE).until(() -> sb.runtime().stats("orders", "ship").deadLettered() == 1);
            SubscriberStats stats = sb.runtime().stats("orders", "ship");
            assertThat(stats.failed()).isEqualTo(3);
            assertThat(stats.retried()).isEqualTo(2);
        } finally {
            bus.close();
        }
    }

    @Test
    void requestIsAnsweredAfterRetriesAndFailsWithAClearReasonOtherwise() {
        AtomicInteger calls = new AtomicInteger();
        List<CloudEvent> parked = new CopyOnWriteArrayList<>();
        Trigger quotes = Trigger.builder("quotes").input("ask", "type = 'quote.requested'")
                .subscriber(Subscriber.builder("price").deliveryPolicy(fastRetries(3))
                        .sink(Sink.replying(e -> {
                            if (calls.incrementAndGet() < 3) {
                                throw new IllegalStateException("pricing warming up");
                            }
                            return CloudEventBuilder.v1(e).withType("quote.given").build();
                        })).build())
                .build();
        Trigger broken = Trigger.builder("broken").input("ask", "type = 'quote.broken'")
                .subscriber(Subscriber.builder("price").deliveryPolicy(fastRetries(2))
                        .deadLetter(Sink.handler(parked::add))
                        .sink(Sink.replying(e -> {
                            throw new IllegalStateException("no price");
                        })).build())
                .build();
        Trigger twice = Trigger.builder("twice").input("ask", "type = 'quote.twice'")
                .subscriber("a", null, Sink.replying(e -> e)).subscriber("b", null, Sink.replying(e -> e)).build();
        Trigger slow = Trigger.builder("slow").input("ask", "type = 'quote.slow'")
                .subscriber(Subscriber.builder("price").deliveryPolicy(DeliveryPolicy.noRetries())
                        .sink(new Sink.Invoke(f -> new CompletableFuture<>(), true)).build())
                .build();
        Trigger pair = orders(Subscriber.builder("answer").condition("created && paid")
                .sink(Sink.replying(e -> e)).build());
        try (Switchboard sb = Switchboard.builder().drainTimeout(Duration.ofMillis(100))
                .trigger(quotes).trigger(broken).trigger(twice).trigger(slow).trigger(pair).build().start()) {
            CloudEvent reply = sb.request(event("quote.requested", "q1"), Duration.ofSeconds(10)).toCompletableFuture()
                    .orTimeout(30, TimeUnit.SECONDS).join();
            assertThat(reply.getType()).isEqualTo("quote.given");
            assertThat(calls.get()).isEqualTo(3);

            assertThat(reason(sb, "quote.broken", Duration.ofSeconds(10))).isEqualTo(RequestFailedException.Reason.HANDLER_FAILED);
            assertThat(parked).singleElement().satisfies(e -> assertThat(e.getExtension("dlattempts")).isEqualTo(2));
            assertThat(reason(sb, "quote.unknown", Duration.ofSeconds(1))).isEqualTo(RequestFailedException.Reason.NO_MATCH);
            assertThat(reason(sb, "order.created", Duration.ofSeconds(1)))
                    .as("a condition still waiting for 'paid' does not reply")
                    .isEqualTo(RequestFailedException.Reason.NO_MATCH);
            assertThat(reason(sb, "quote.twice", Duration.ofSeconds(1))).isEqualTo(RequestFailedException.Reason.SEVERAL_MATCHES);
            assertThat(reason(sb, "quote.slow", Duration.ofMillis(50))).isEqualTo(RequestFailedException.Reason.TIMEOUT);
        }
    }

    /**
     * A batching subscriber acknowledges an event once it is in the open batch, so the bus hands out the next event
     * of the same partition at once and batches fill from all keys. Time does not move: every batch closes by size.
     */
    @Test
    void batchingSubscriberReceivesEveryEventInFullBatchesAcrossKeys() {
        List<Firing> batches = new CopyOnWriteArrayList<>();
        ManualScheduler time = new ManualScheduler();
        Trigger audit = Trigger.builder("audit").input("all", null)
                .subscriber(Subscriber.builder("store").batch(25, Duration.ofMillis(50)).sink(Sink.firing(batches::add))
                        .build())
                .build();
        try (InMemoryEventBus bus = InMemoryEventBus.builder().scheduler(time).build();
             Switchboard sb = Switchboard.builder().scheduler(time).bus(bus).trigger(audit).build().start()) {
            List<CloudEvent> events = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                events.add(event("audit", "key-" + (i % 7)));
            }
            publishFromThreads(sb, events, 2);
            await().atMost(PATIENCE).until(() -> sb.runtime().stats("audit", "store").delivered() == 200);
            assertThat(batches).hasSize(8).allSatisfy(b -> assertThat(b.batch()).hasSize(25));
            assertThat(batches.stream().flatMap(b -> b.batch().stream()).map(CloudEvent::getId))
                    .containsExactlyInAnyOrderElementsOf(events.stream().map(CloudEvent::getId).toList());
        }
    }

    private static RequestFailedException.Reason reason(Switchboard sb, String type, Duration timeout) {
        Throwable t = sb.request(event(type, "r"), timeout).toCompletableFuture().handle((v, e) -> e).orTimeout(30, TimeUnit.SECONDS).join();
        if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        assertThat(t).isInstanceOf(RequestFailedException.class);
        return ((RequestFailedException) t).reason();
    }

    private static void publishFromThreads(Switchboard sb, List<CloudEvent> events, int threads) {
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int lane = t;
            Thread worker = new Thread(() -> {
                for (int i = lane; i < events.size(); i += threads) {
                    sb.publish(events.get(i)).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
                }
            }, "publisher-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            try {
                worker.join(30_000);
                if (worker.isAlive()) {
                    throw new IllegalStateException(worker.getName() + " did not finish publishing within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
