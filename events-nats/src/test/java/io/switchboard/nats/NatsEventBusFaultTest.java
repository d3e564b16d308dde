package io.switchboard.nats;

import io.cloudevents.CloudEvent;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.nats.client.api.StorageType;
import io.nats.client.impl.Headers;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.PoisonMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Zero lost events under faults, on real servers: consumers crashing mid-stream, the server killed and restarted on
 * its store while events are published, poison messages among good ones, a handler slower than the ack wait. Each test
 * tracks every id and prints its figures.
 */
class NatsEventBusFaultTest {

    private static final NatsBusConfig.Builder SETTINGS = SharedNats.fastBus(SharedNats.URL, SharedNats.uniquePrefix("fault"))
            .storage(StorageType.Memory);

    @AfterAll
    static void deleteStream() {
        SharedNats.cleanUp(SETTINGS.build());
    }

    private static BusConsumer counting(TestEvents.Tally tally, AtomicInteger byThisMember) {
        return event -> {
            tally.handled(event.getId());
            if (byThisMember != null) {
                byThisMember.incrementAndGet();
            }
            return CompletableFuture.completedFuture(null);
        };
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void crashedConsumersLoseNoEvents() {
        int total = 50_000;
        int crashes = 5;
        String topic = TestEvents.unique("crash");
        String group = TestEvents.unique("g");
        TestEvents.Tally tally = new TestEvents.Tally();
        long started = System.nanoTime();
        NatsBusConfig config = SETTINGS.build();
        try (NatsEventBus publisher = NatsEventBus.create(config);
             NatsEventBus steady = NatsEventBus.create(config);
             NatsEventBus crashing = NatsEventBus.create(config)) {
            steady.subscribe(topic, group, counting(tally, null));
            AtomicInteger byVictim = new AtomicInteger();
            NatsSubscription first = (NatsSubscription) crashing.subscribe(topic, group, counting(tally, byVictim));
            await().atMost(Duration.ofSeconds(20)).until(() -> !first.ownedPartitions().isEmpty());
            // published while the members consume, so crashes land mid-stream
            CompletableFuture<Long> publishing = CompletableFuture.supplyAsync(() -> {
                List<CompletableFuture<Void>> acks = new ArrayList<>(total);
                for (int i = 0; i < total; i++) {
                    acks.add(publisher.publish(topic, TestEvents.event("e" + i, "k" + (i % 97))).toCompletableFuture());
                }
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
                return System.nanoTime();
            });
            int crashed = 0;
            NatsSubscription victim = first;
            int[] openAtCrash = new int[crashes];
            for (int threshold = 5_000; crashed < crashes; threshold += 8_000) {
                int at = threshold;
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                        .until(() -> tally.distinct() >= at && byVictim.get() > 0);
                openAtCrash[crashed] = victim.open();
                victim.abort(); // no ack, no NAK, no lease freed: like a killed process
                crashed++;
                byVictim.set(0);
                victim = (NatsSubscription) crashing.subscribe(topic, group, counting(tally, byVictim));
            }
            long published = publishing.join();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> tally.distinct() == total);

            Set<String> missing = new HashSet<>();
            for (int i = 0; i < total; i++) {
                if (!tally.counts.containsKey("e" + i)) {
                    missing.add("e" + i);
                }
            }
            System.out.printf("FAULT consumer-crash: events=%d crashes=%d open-at-crash=%s deliveries=%d duplicates=%d"
                            + " lost=%d publish=%d ms total=%d ms%n", total, crashed, java.util.Arrays.toString(openAtCrash),
                    tally.deliveries.get(), tally.duplicates(), missing.size(), (published - started) / 1_000_000,
                    (System.nanoTime() - started) / 1_000_000);
            assertThat(missing).as("events never handled").isEmpty();
            assertThat(crashed).isEqualTo(crashes);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void serverKilledAndRestartedLosesNoAcknowledgedEvent() throws Exception {
        try (NatsServerProcess server = NatsServerProcess.withJetStream()) {
            NatsBusConfig config = SharedNats.fastBus(server.url(), "restart").storage(StorageType.File)
                    .connectionProperty("io.nats.client.reconnect.wait", "100").build();
            String topic = TestEvents.unique("restart");
            TestEvents.Tally tally = new TestEvents.Tally();
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            List<String> rejected = new CopyOnWriteArrayList<>();
            long started = System.nanoTime();
            try (NatsEventBus bus = NatsEventBus.create(config)) {
                bus.subscribe(topic, "g", counting(tally, null));
                AtomicBoolean down = new AtomicBoolean();
                AtomicBoolean restarted = new AtomicBoolean();
                AtomicInteger publishedWhileDown = new AtomicInteger();
                List<CompletableFuture<Void>> stages = new ArrayList<>();
                Thread restarter = new Thread(() -> {
                    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 1_500);
                    long pid = server.pid();
                    down.set(true);
                    server.kill(); // SIGKILL: no clean shutdown of the store
                    await().atMost(Duration.ofSeconds(30)).until(() -> publishedWhileDown.get() >= 200);
                    try {
                        server.start();
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                    System.out.printf("FAULT server-restart: killed pid %d, restarted as pid %d on the same store%n",
                            pid, server.pid());
                    down.set(false);
                    restarted.set(true);
                }, "test-server-restarter");
                restarter.start();
                int afterRestart = 0;
                int total = 0;
                while (afterRestart < 1_500) {
                    String id = "r" + total++;
                    if (down.get()) {
                        publishedWhileDown.incrementAndGet();
                    } else if (restarted.get()) {
                        afterRestart++;
                    }
                    stages.add(bus.publish(topic, TestEvents.event(id, "k" + (total % 13))).toCompletableFuture()
                            .whenComplete((v, error) -> {
                                if (error == null) {
                                    acknowledged.add(id);
                                } else {
                                    rejected.add(id);
                                }
                            }));
                    if (total % 20 == 0) {
                        Thread.sleep(5); // a steady stream, so the kill lands in the middle of it
                    }
                }
                restarter.join();
                CompletableFuture.allOf(stages.stream().map(s -> s.handle((v, e) -> null)).toArray(CompletableFuture[]::new))
                        .get(60, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> tally.counts.keySet().containsAll(acknowledged));
                Set<String> lost = new HashSet<>(acknowledged);
                lost.removeAll(tally.counts.keySet());
                System.out.printf("FAULT server-restart: published=%d (while down=%d) acknowledged=%d rejected=%d"
                                + " consumed=%d duplicates=%d lost=%d time=%d ms%n", total, publishedWhileDown.get(),
                        acknowledged.size(), rejected.size(), tally.distinct(), tally.duplicates(), lost.size(),
                        (System.nanoTime() - started) / 1_000_000);
                assertThat(lost).as("acknowledged events never consumed").isEmpty();
                assertThat(acknowledged.size() + rejected.size()).as("every publish completed one way or the other")
                        .isEqualTo(total);
                assertThat(publishedWhileDown.get()).as("publishes issued while the server was down").isPositive();
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void poisonGoesToPoisonAndConsumptionContinues() throws Exception {
        NatsBusConfig config = SETTINGS.build();
        String topic = TestEvents.unique("poison");
        TestEvents.Tally tally = new TestEvents.Tally();
        List<PoisonMessage> poison = new CopyOnWriteArrayList<>();
        try (NatsEventBus bus = NatsEventBus.create(config); Connection plain = Nats.connect(SharedNats.URL)) {
            bus.subscribe(topic, "g", new BusConsumer() {
                @Override
                public CompletionStage<Void> deliver(CloudEvent event) {
                    tally.handled(event.getId());
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public CompletionStage<Void> poison(PoisonMessage message) {
                    poison.add(message);
                    return CompletableFuture.completedFuture(null);
                }
            });
            int good = 0;
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < 20; i++) {
                    bus.publish(topic, TestEvents.event("p" + good++, "k" + (i % 3))).toCompletableFuture().join();
                }
                // claims binary mode but lacks the required attributes
                plain.jetStream().publish(config.subject(topic, round % config.partitions()),
                        new Headers().put("ce-specversion", "1.0"), ("garbage " + round).getBytes(StandardCharsets.UTF_8));
            }
            int expected = good;
            await().atMost(Duration.ofSeconds(30)).until(() -> tally.distinct() == expected && poison.size() >= 10);
            System.out.printf("FAULT poison: good=%d handled=%d poison=%d%n", expected, tally.distinct(), poison.size());
            assertThat(poison).hasSize(10).allSatisfy(p -> {
                assertThat(p.topic()).isEqualTo(topic);
                assertThat(p.location()).matches("stream " + config.stream() + " sequence \\d+ subject .+");
                assertThat(new String(p.payload(), StandardCharsets.UTF_8)).startsWith("garbage ");
                assertThat(p.headers()).containsEntry("ce-specversion", "1.0");
                assertThat(p.reason()).contains("not a CloudEvent");
            });
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void poisonTheConsumerCannotHandleGoesToTheDeadLetterSubject() throws Exception {
        NatsBusConfig config = SETTINGS.build();
        String topic = TestEvents.unique("dlq");
        TestEvents.Tally tally = new TestEvents.Tally();
        try (NatsEventBus bus = NatsEventBus.create(config); Connection plain = Nats.connect(SharedNats.URL)) {
            Subscription deadLetters = plain.subscribe(config.deadLetterSubject(topic));
            plain.flush(Duration.ofSeconds(5));
            bus.subscribe(topic, "g", counting(tally, null)); // the default poison(...) fails: the bus's own rule applies
            bus.publish(topic, TestEvents.event("before", "k")).toCompletableFuture().join();
            int partition = Math.floorMod(Names.fnv1a("k"), config.partitions());
            plain.jetStream().publish(config.subject(topic, partition), new Headers().put(NatsEventBus.KEY_HEADER, "k"),
                    "not an event".getBytes(StandardCharsets.UTF_8));
            bus.publish(topic, TestEvents.event("after", "k")).toCompletableFuture().join();

            await().atMost(Duration.ofSeconds(30)).until(() -> tally.counts.keySet().containsAll(List.of("before", "after")));
            Message copy = deadLetters.nextMessage(Duration.ofSeconds(10));
            assertThat(copy).as("dead letter on " + config.deadLetterSubject(topic)).isNotNull();
            assertThat(new String(copy.getData(), StandardCharsets.UTF_8)).isEqualTo("not an event");
            assertThat(HeaderValues.decode(copy.getHeaders().getFirst(NatsEventBus.POISON_LOCATION_HEADER)))
                    .startsWith("stream " + config.stream() + " sequence ");
            assertThat(HeaderValues.decode(copy.getHeaders().getFirst(NatsEventBus.POISON_REASON_HEADER)))
                    .contains("not a CloudEvent");
            assertThat(copy.getHeaders().getFirst(NatsEventBus.KEY_HEADER)).as("original headers kept").isEqualTo("k");
            var stored = plain.jetStreamManagement().getLastMessage(config.stream(), config.deadLetterSubject(topic));
            assertThat(stored.getData()).as("the dead letter is stored in the stream").isEqualTo(copy.getData());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void handlerSlowerThanTheAckWaitIsNotRedeliveredWhileItRuns() {
        NatsBusConfig config = SETTINGS.build(); // ack wait 2 s
        String topic = TestEvents.unique("slow");
        TestEvents.Tally tally = new TestEvents.Tally();
        CompletableFuture<Void> slow = new CompletableFuture<>();
        try (NatsEventBus bus = NatsEventBus.create(config)) {
            bus.subscribe(topic, "g", event -> {
                tally.handled(event.getId());
                if (event.getId().equals("slow")) {
                    CompletableFuture.delayedExecutor(config.ackWait().toMillis() * 3, TimeUnit.MILLISECONDS)
                            .execute(() -> slow.complete(null));
                    return slow; // three ack waits
                }
                return CompletableFuture.completedFuture(null);
            });
            bus.publish(topic, TestEvents.event("slow", "k-slow")).toCompletableFuture().join();
            for (int i = 0; i < 20; i++) {
                bus.publish(topic, TestEvents.event("other-" + i, "k" + i)).toCompletableFuture().join();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> tally.distinct() == 21);
            await().atMost(Duration.ofSeconds(20)).until(slow::isDone);
            // past the point where an unacknowledged message would have come back: it was acknowledged, once
            await().during(config.ackWait().plusSeconds(1)).atMost(config.ackWait().plusSeconds(5))
                    .until(() -> tally.counts.get("slow") == 1);
            System.out.printf("FAULT slow-handler: handler ran %d ms (ack wait %d ms), deliveries of it=%d%n",
                    config.ackWait().toMillis() * 3, config.ackWait().toMillis(), tally.counts.get("slow"));
            assertThat(tally.counts.get("slow")).as("deliveries of the slow event").isEqualTo(1);
            assertThat(tally.duplicates()).isZero();
        }
    }
}
