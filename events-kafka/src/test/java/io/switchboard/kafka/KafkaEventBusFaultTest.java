package io.switchboard.kafka;

import io.switchboard.api.PoisonMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Zero lost events under faults, on a real broker: consumers crashing mid-stream, the broker restarting while events
 * are published, poison records among good ones. Each test tracks every id and prints its figures.
 */
class KafkaEventBusFaultTest {

    @RegisterExtension
    static final SharedKafka kafka = new SharedKafka();

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void crashedConsumersLoseNoEvents() {
        int total = 50_000;
        int crashes = 5;
        String topic = TestEvents.unique("crash");
        String group = TestEvents.unique("g");
        TestEvents.Tally tally = new TestEvents.Tally();
        long started = System.nanoTime();
        try (KafkaEventBus publisher = KafkaEventBus.create(SharedKafka.fastBus(kafka.bootstrapServers()).build());
             KafkaEventBus steady = KafkaEventBus.create(SharedKafka.fastBus(kafka.bootstrapServers()).build());
             KafkaEventBus crashing = KafkaEventBus.create(SharedKafka.fastBus(kafka.bootstrapServers()).build())) {
            List<CompletableFuture<Void>> acks = new ArrayList<>(total);
            for (int i = 0; i < total; i++) {
                acks.add(publisher.publish(topic, TestEvents.event("e" + i, "k" + (i % 97))).toCompletableFuture());
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();

            steady.subscribe(topic, group, event -> {
                tally.handled(event.getId());
                return CompletableFuture.completedFuture(null);
            });
            AtomicInteger byCurrentInstance = new AtomicInteger();
            KafkaSubscription victim = (KafkaSubscription) crashing.subscribe(topic, group, event -> {
                tally.handled(event.getId());
                byCurrentInstance.incrementAndGet();
                return CompletableFuture.completedFuture(null);
            });
            int crashed = 0;
            int[] inFlightAtCrash = new int[crashes];
            for (int threshold = 4_000; crashed < crashes; threshold += 6_000) {
                int at = threshold;
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1))
                        .until(() -> tally.distinct() >= at && byCurrentInstance.get() > 0);
                inFlightAtCrash[crashed] = victim.inFlight();
                victim.abort(); // no commit, no leave-group: the group notices when the session times out
                crashed++;
                byCurrentInstance.set(0);
                victim = (KafkaSubscription) crashing.subscribe(topic, group, event -> {
                    tally.handled(event.getId());
                    byCurrentInstance.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                });
            }
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(20)).until(() -> tally.distinct() == total);

            Set<String> missing = new HashSet<>();
            for (int i = 0; i < total; i++) {
                if (!tally.counts.containsKey("e" + i)) {
                    missing.add("e" + i);
                }
            }
            System.out.printf("FAULT consumer-crash: events=%d crashes=%d in-flight-at-crash=%s deliveries=%d"
                            + " duplicates=%d lost=%d time=%d ms%n", total, crashed, java.util.Arrays.toString(inFlightAtCrash),
                    tally.deliveries.get(), tally.duplicates(), missing.size(), (System.nanoTime() - started) / 1_000_000);
            assertThat(missing).as("events never handled").isEmpty();
            assertThat(crashed).isEqualTo(crashes);
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void brokerRestartLosesNoAcknowledgedEvent() throws Exception {
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().start()) {
            KafkaBusConfig config = SharedKafka.fastBus(broker.bootstrapServers())
                    .topicPartitions(2)
                    .producerProperty("delivery.timeout.ms", 20_000)
                    .producerProperty("request.timeout.ms", 3_000)
                    .producerProperty("max.block.ms", 20_000)
                    .clientProperty("reconnect.backoff.max.ms", 200)
                    .build();
            String topic = TestEvents.unique("restart");
            TestEvents.Tally tally = new TestEvents.Tally();
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            List<String> rejected = new CopyOnWriteArrayList<>();
            long started = System.nanoTime();
            try (KafkaEventBus bus = KafkaEventBus.create(config)) {
                bus.subscribe(topic, "g", event -> {
                    tally.handled(event.getId());
                    return CompletableFuture.completedFuture(null);
                });
                java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicBoolean restarted = new java.util.concurrent.atomic.AtomicBoolean();
                List<CompletableFuture<Void>> stages = new ArrayList<>();
                AtomicInteger publishedWhileDown = new AtomicInteger();
                Thread restarter = new Thread(() -> {
                    await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.size() >= 1_500);
                    down.set(true);
                    broker.stop();
                    // keep it down until a good number of publishes met the stopped broker
                    await().atMost(Duration.ofSeconds(20)).until(() -> publishedWhileDown.get() >= 200);
                    broker.start();
                    down.set(false);
                    restarted.set(true);
                }, "test-broker-restarter");
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
                    CompletableFuture<Void> stage = bus.publish(topic, TestEvents.event(id, "k" + (total % 13)))
                            .toCompletableFuture().whenComplete((v, error) -> {
                                if (error == null) {
                                    acknowledged.add(id);
                                } else {
                                    rejected.add(id);
                                }
                            });
                    stages.add(stage);
                    if (total % 20 == 0) {
                        Thread.sleep(5); // a steady stream, so the restart lands in the middle of it
                    }
                }
                restarter.join();
                CompletableFuture.allOf(stages.stream().map(s -> s.handle((v, e) -> null)).toArray(CompletableFuture[]::new))
                        .get(60, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(20))
                        .until(() -> tally.counts.keySet().containsAll(acknowledged));
                Set<String> lost = new HashSet<>(acknowledged);
                lost.removeAll(tally.counts.keySet());
                System.out.printf("FAULT broker-restart: published=%d (while down=%d) acknowledged=%d rejected=%d consumed=%d"
                                + " duplicates=%d lost=%d time=%d ms%n", total, publishedWhileDown.get(), acknowledged.size(), rejected.size(),
                        tally.distinct(), tally.duplicates(), lost.size(), (System.nanoTime() - started) / 1_000_000);
                assertThat(lost).as("acknowledged events never consumed").isEmpty();
                assertThat(acknowledged.size() + rejected.size()).as("every publish completed one way or the other")
                        .isEqualTo(total);
                assertThat(publishedWhileDown.get()).as("publishes issued while the broker was down").isPositive();
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void poisonRecordsGoToPoisonAndConsumptionContinues() {
        String topic = TestEvents.unique("poison");
        TestEvents.Tally tally = new TestEvents.Tally();
        List<PoisonMessage> poison = new CopyOnWriteArrayList<>();
        KafkaBusConfig config = SharedKafka.fastBus(kafka.bootstrapServers()).build();
        try (KafkaEventBus bus = KafkaEventBus.create(config)) {
            bus.subscribe(topic, "g", new io.switchboard.api.BusConsumer() {
                @Override
                public java.util.concurrent.CompletionStage<Void> deliver(io.cloudevents.CloudEvent event) {
                    tally.handled(event.getId());
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public java.util.concurrent.CompletionStage<Void> poison(PoisonMessage message) {
                    poison.add(message);
                    return CompletableFuture.completedFuture(null);
                }
            });
            int good = 0;
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < 20; i++) {
                    bus.publish(topic, TestEvents.event("p" + good++, "k" + (i % 3))).toCompletableFuture().join();
                }
                kafka.send(config.kafkaTopic(topic), "k1".getBytes(StandardCharsets.UTF_8),
                        ("garbage " + round).getBytes(StandardCharsets.UTF_8),
                        List.of(new RecordHeader("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8))));
            }
            int expected = good;
            await().atMost(Duration.ofSeconds(30)).until(() -> tally.distinct() == expected && poison.size() >= 10);
            System.out.printf("FAULT poison: good=%d handled=%d poison=%d%n", expected, tally.distinct(), poison.size());
            assertThat(poison).hasSize(10).allSatisfy(p -> {
                assertThat(p.topic()).isEqualTo(topic);
                assertThat(p.location()).matches("partition \\d+ offset \\d+");
                assertThat(new String(p.payload(), StandardCharsets.UTF_8)).startsWith("garbage ");
                assertThat(p.headers()).containsEntry("ce_specversion", "1.0");
                assertThat(p.reason()).isNotBlank();
            });
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void poisonTheConsumerCannotHandleGoesToTheDeadLetterTopic() {
        String topic = TestEvents.unique("dlq");
        String deadLetters = TestEvents.unique("dead-letters");
        TestEvents.Tally tally = new TestEvents.Tally();
        KafkaBusConfig config = SharedKafka.fastBus(kafka.bootstrapServers()).deadLetterTopic(deadLetters).build();
        try (KafkaEventBus bus = KafkaEventBus.create(config);
             KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                     "group.id", TestEvents.unique("dlq-reader"), "auto.offset.reset", "earliest"),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // the default poison(...) fails: the bus applies its own rule
            bus.subscribe(topic, "g", event -> {
                tally.handled(event.getId());
                return CompletableFuture.completedFuture(null);
            });
            bus.publish(topic, TestEvents.event("before", "k")).toCompletableFuture().join();
            kafka.send(config.kafkaTopic(topic), null, "not an event".getBytes(StandardCharsets.UTF_8), List.of());
            bus.publish(topic, TestEvents.event("after", "k")).toCompletableFuture().join();

            await().atMost(Duration.ofSeconds(30)).until(() -> tally.counts.keySet().containsAll(List.of("before", "after")));
            reader.subscribe(List.of(deadLetters));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                reader.poll(Duration.ofMillis(100)).forEach(records::add);
                return !records.isEmpty();
            });
            ConsumerRecord<byte[], byte[]> copy = records.get(0);
            assertThat(new String(copy.value(), StandardCharsets.UTF_8)).isEqualTo("not an event");
            assertThat(new String(copy.headers().lastHeader(BusWorkHandler.POISON_LOCATION_HEADER).value(),
                    StandardCharsets.UTF_8)).startsWith(config.kafkaTopic(topic) + " partition ");
            assertThat(copy.headers().lastHeader(BusWorkHandler.POISON_REASON_HEADER)).isNotNull();
        }
    }

}
