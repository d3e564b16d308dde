package io.switchboard.redis;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.PoisonMessage;
import io.switchboard.api.Subscription;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults on a real server, each ending with the same check: every event whose publish completed normally was
 * handled by some member — 0 acknowledged events lost. Duplicates are legal after a crash and are reported.
 */
class RedisEventBusFaultTest {

    private static final String PREFIX = TestRedis.prefix(RedisEventBusFaultTest.class);
    private static final URI SOURCE = URI.create("/switchboard/redis/fault-test");

    @AfterAll
    static void removeKeys() {
        try (TestRedis.Raw raw = TestRedis.raw()) {
            raw.deleteAll(PREFIX);
        }
    }

    /** Every completed stage per event id, across all members. */
    static final class Handled implements BusConsumer {
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        final AtomicInteger total = new AtomicInteger();

        @Override
        public java.util.concurrent.CompletionStage<Void> deliver(CloudEvent event) {
            counts.computeIfAbsent(event.getId(), id -> new AtomicInteger()).incrementAndGet();
            total.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }

        long duplicates() {
            return counts.values().stream().mapToLong(c -> c.get() - 1).sum();
        }
    }

    private static CloudEvent event(String id, String key) {
        return CloudEventBuilder.v1().withId(id).withSource(SOURCE).withType("io.switchboard.test.fault")
                .withSubject(key).withData(id.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void fiftyThousandEventsThroughFiveConsumerCrashesLoseNothing() throws Exception {
        int total = 50_000;
        int crashes = 5;
        String topic = "crashes";
        Handled handled = new Handled();
        RedisBusConfig config = TestRedis.fastBus(PREFIX).shards(6).build();
        List<RedisEventBus> members = new CopyOnWriteArrayList<>();
        try (RedisEventBus publisher = RedisEventBus.create(config)) {
            for (int i = 0; i < 3; i++) {
                RedisEventBus member = RedisEventBus.create(config);
                member.subscribe(topic, "g", handled);
                members.add(member);
            }
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            AtomicInteger rejected = new AtomicInteger();
            Semaphore window = new Semaphore(2_000);
            Thread publishing = new Thread(() -> {
                for (int i = 0; i < total; i++) {
                    String id = "e" + i;
                    window.acquireUninterruptibly();
                    publisher.publish(topic, event(id, "key-" + (i % 500))).whenComplete((ok, error) -> {
                        if (error == null) {
                            accepted.add(id);
                        } else {
                            rejected.incrementAndGet();
                        }
                        window.release();
                    });
                }
            }, "fault-test-publisher");
            publishing.start();

            for (int crash = 1; crash <= crashes; crash++) {
                int threshold = total * crash / (crashes + 1);
                await().atMost(Duration.ofSeconds(60)).until(() -> handled.total.get() >= threshold);
                RedisEventBus victim = members.remove(crash % members.size());
                victim.abort();
                RedisEventBus replacement = RedisEventBus.create(config);
                replacement.subscribe(topic, "g", handled);
                members.add(replacement);
            }
            publishing.join(60_000);
            window.acquire(2_000); // every publish answered
            await("every accepted event handled").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> handled.counts.keySet().containsAll(accepted));

            Set<String> lost = ConcurrentHashMap.newKeySet();
            lost.addAll(accepted);
            lost.removeAll(handled.counts.keySet());
            System.out.printf("Redis bus, %d events, %d consumer crashes: %d accepted, %d rejected, %d lost,"
                    + " %d duplicates%n", total, crashes, accepted.size(), rejected.get(), lost.size(),
                    handled.duplicates());
            assertThat(rejected.get()).as("publishes rejected although the server was up").isZero();
            assertThat(lost).as("accepted events never handled").isEmpty();
        } finally {
            members.forEach(RedisEventBus::close);
        }
    }

    @Test
    void serverKilledAndRestartedWhilePublishingLosesNoAcceptedEvent() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.start()) {
            String prefix = "restart:";
            RedisBusConfig config = TestRedis.fastBus(server.uri(), prefix).build();
            Handled handled = new Handled();
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            AtomicInteger rejected = new AtomicInteger();
            try (RedisEventBus publisher = RedisEventBus.create(config);
                 RedisEventBus consumer = RedisEventBus.create(config)) {
                consumer.subscribe("orders", "g", handled);
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger published = new AtomicInteger();
                Thread publishing = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String id = "e" + i;
                        published.incrementAndGet();
                        publisher.publish("orders", event(id, "key-" + (i % 50))).whenComplete((ok, error) -> {
                            if (error == null) {
                                accepted.add(id);
                            } else {
                                rejected.incrementAndGet();
                            }
                        });
                        sleep(1);
                    }
                }, "restart-test-publisher");
                publishing.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> accepted.size() >= 1_000);
                server.kill();
                int publishedAtKill = published.get();
                // keep the server down until publishes met it
                await().atMost(Duration.ofSeconds(20)).until(() -> published.get() > publishedAtKill + 200);
                server.restart();
                int publishedAtRestart = published.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 3_000
                        && published.get() > publishedAtRestart + 500);
                stop.set(true);
                publishing.join(10_000);
                await("every publish answered").atMost(Duration.ofSeconds(20))
                        .until(() -> accepted.size() + rejected.get() >= published.get());
                await("every accepted event handled").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50))
                        .until(() -> handled.counts.keySet().containsAll(accepted));
                System.out.printf("Redis bus, server killed and restarted while publishing: %d published, %d accepted,"
                        + " %d rejected (%d published while it was down), 0 lost, %d duplicates%n", published.get(),
                        accepted.size(), rejected.get(), publishedAtRestart - publishedAtKill, handled.duplicates());
                assertThat(handled.counts.keySet()).as("handled events").containsAll(accepted);
            }
        }
    }

    @Test
    void poisonEntriesGoToTheDeadLetterStreamWithTheirReasonAndConsumptionGoesOn() throws Exception {
        RedisBusConfig config = TestRedis.fastBus(PREFIX).build();
        String topic = "poison";
        List<String> received = new CopyOnWriteArrayList<>();
        List<PoisonMessage> poisoned = new CopyOnWriteArrayList<>();
        BusConsumer consumer = new BusConsumer() {
            @Override
            public java.util.concurrent.CompletionStage<Void> deliver(CloudEvent event) {
                received.add(event.getId());
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public java.util.concurrent.CompletionStage<Void> poison(PoisonMessage message) {
                poisoned.add(message);
                return CompletableFuture.failedFuture(new IllegalStateException("no dead-letter sink in this test"));
            }
        };
        try (RedisEventBus bus = RedisEventBus.create(config); TestRedis.Raw raw = TestRedis.raw()) {
            Subscription subscription = bus.subscribe(topic, "g", consumer);
            bus.publish(topic, event("before", "k")).toCompletableFuture().get(5, TimeUnit.SECONDS);
            raw.xadd(config.streamKey(topic, 1), Map.of("data", "not an event".getBytes(StandardCharsets.UTF_8),
                    "origin", "hand-written".getBytes(StandardCharsets.UTF_8)));
            raw.xadd(config.streamKey(topic, 2), Map.of("ce-specversion", "1.0".getBytes(StandardCharsets.UTF_8),
                    "ce-id", "no-source".getBytes(StandardCharsets.UTF_8)));
            bus.publish(topic, event("after", "k")).toCompletableFuture().get(5, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(20)).until(() -> received.containsAll(List.of("before", "after"))
                    && raw.sync().xlen(config.deadLetterStream()) >= 2);
            List<StreamMessage<String, byte[]>> dead = raw.sync().xrange(config.deadLetterStream(), Range.create("-", "+"));
            assertThat(dead).hasSize(2);
            for (StreamMessage<String, byte[]> entry : dead) {
                assertThat(new String(entry.getBody().get(BusHandler.POISON_REASON), StandardCharsets.UTF_8))
                        .as("reason field").isNotBlank();
                assertThat(new String(entry.getBody().get(BusHandler.POISON_LOCATION), StandardCharsets.UTF_8))
                        .as("location field").contains(config.keyPrefix() + topic + ":");
                assertThat(new String(entry.getBody().get(BusHandler.POISON_TOPIC), StandardCharsets.UTF_8))
                        .isEqualTo(topic);
            }
            assertThat(dead.stream().anyMatch(e -> e.getBody().containsKey("origin"))).as("original fields kept").isTrue();
            assertThat(poisoned).hasSize(2);
            // both poison entries were acknowledged once copied: nothing stays pending
            await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount(raw, config, topic) == 0);
            subscription.close();
        }
    }

    static long pendingCount(TestRedis.Raw raw, RedisBusConfig config, String topic) {
        long pending = 0;
        for (int i = 0; i < config.shards(); i++) {
            pending += raw.sync().xpending(config.streamKey(topic, i), "g").getCount();
        }
        return pending;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
