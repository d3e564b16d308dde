package io.switchboard.redis;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.switchboard.api.Acknowledgement;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What the Redis bus adds to the kit: held acknowledgement, keyed publish, duplicate suppression, retention, WAIT. */
class RedisEventBusTest {

    private static final String PREFIX = TestRedis.prefix(RedisEventBusTest.class);
    private static final URI SOURCE = URI.create("/switchboard/redis/test");
    private static final AtomicInteger TOPICS = new AtomicInteger();

    @AfterAll
    static void removeKeys() {
        try (TestRedis.Raw raw = TestRedis.raw()) {
            raw.deleteAll(PREFIX);
        }
    }

    private static String topic() {
        return "t" + TOPICS.incrementAndGet();
    }

    private static CloudEvent event(String id, String key) {
        return CloudEventBuilder.v1().withId(id).withSource(SOURCE).withType("io.switchboard.test")
                .withSubject(key).withData(id.getBytes(StandardCharsets.UTF_8)).build();
    }

    private static void accepted(CompletionStage<Void> stage) throws Exception {
        stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** Holds the events whose id starts with "hold", recording every delivery and every return. */
    static final class Holder implements BusConsumer {
        final List<String> delivered = new CopyOnWriteArrayList<>();
        final List<String> returned = new CopyOnWriteArrayList<>();
        final Map<String, Acknowledgement> held = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public CompletionStage<Void> deliver(CloudEvent event) {
            throw new AssertionError("a bus with HELD_ACKNOWLEDGEMENT calls deliver(event, acknowledgement)");
        }

        @Override
        public CompletionStage<Void> deliver(CloudEvent event, Acknowledgement acknowledgement) {
            delivered.add(event.getId());
            if (event.getId().startsWith("hold")) {
                held.put(event.getId(), acknowledgement.hold());
                acknowledgement.whenReturned(() -> returned.add(event.getId()));
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void heldEntryStaysPendingWhileLaterEventsOfItsKeyGoOnAndIsAcknowledgedOnRelease() throws Exception {
        RedisBusConfig config = TestRedis.fastBus(PREFIX).build();
        String topic = topic();
        Holder holder = new Holder();
        try (RedisEventBus bus = RedisEventBus.create(config); TestRedis.Raw raw = TestRedis.raw()) {
            bus.subscribe(topic, "g", holder);
            accepted(bus.publish(topic, event("hold-1", "k")));
            accepted(bus.publish(topic, event("next-1", "k")));
            accepted(bus.publish(topic, event("next-2", "k")));

            await().atMost(Duration.ofSeconds(10)).until(() -> holder.delivered.containsAll(List.of("next-1", "next-2")));
            await().atMost(Duration.ofSeconds(5)).until(() -> RedisEventBusFaultTest.pendingCount(raw, config, topic) == 1);
            // several lease periods later it is still pending and was not claimed back while its shard is owned
            Thread.sleep(config.leaseTime().toMillis() * 2);
            assertThat(RedisEventBusFaultTest.pendingCount(raw, config, topic)).as("held entries pending").isEqualTo(1);
            assertThat(holder.delivered).as("deliveries").containsExactly("hold-1", "next-1", "next-2");

            holder.held.get("hold-1").release();
            await().atMost(Duration.ofSeconds(5)).until(() -> RedisEventBusFaultTest.pendingCount(raw, config, topic) == 0);
            assertThat(holder.returned).as("returned held events").isEmpty();
        }
    }

    @Test
    void heldEntryIsReturnedAndRedeliveredWhenItsHolderCloses() throws Exception {
        RedisBusConfig config = TestRedis.fastBus(PREFIX).build();
        String topic = topic();
        Holder first = new Holder();
        Holder second = new Holder();
        try (RedisEventBus a = RedisEventBus.create(config); RedisEventBus b = RedisEventBus.create(config)) {
            Subscription holding = a.subscribe(topic, "g", first);
            accepted(a.publish(topic, event("hold-x", "k")));
            await().atMost(Duration.ofSeconds(10)).until(() -> first.held.containsKey("hold-x"));
            b.subscribe(topic, "g", second);

            holding.close();

            assertThat(first.returned).as("whenReturned ran on close").containsExactly("hold-x");
            await().atMost(Duration.ofSeconds(10)).until(() -> second.delivered.contains("hold-x"));
            first.held.get("hold-x").release(); // too late: ignored
        }
    }

    @Test
    void heldEntryOfACrashedMemberGoesToAnotherMemberAfterTheLeaseExpired() throws Exception {
        RedisBusConfig config = TestRedis.fastBus(PREFIX).build();
        String topic = topic();
        Holder first = new Holder();
        Holder second = new Holder();
        RedisEventBus a = RedisEventBus.create(config);
        RedisEventBus b = RedisEventBus.create(config);
        try {
            a.subscribe(topic, "g", first);
            b.subscribe(topic, "g", second);
            await().atMost(Duration.ofSeconds(10)).until(() -> owned(a) == 2 && owned(b) == 2);
            accepted(a.publish(topic, event("hold-c", "k")));
            await().atMost(Duration.ofSeconds(10)).until(() -> first.held.containsKey("hold-c")
                    || second.held.containsKey("hold-c"));
            boolean firstHolds = first.held.containsKey("hold-c");
            RedisEventBus holderBus = firstHolds ? a : b;
            Holder holder = firstHolds ? first : second;
            Holder other = firstHolds ? second : first;
            Thread.sleep(config.leaseTime().toMillis() * 2);
            assertThat(other.delivered).as("held entry claimed while its holder lives").doesNotContain("hold-c");

            long crashedAt = System.nanoTime();
            holderBus.abort();

            await().atMost(Duration.ofSeconds(10)).until(() -> other.delivered.contains("hold-c"));
            System.out.printf("Redis bus: held entry of a crashed member redelivered after %d ms (lease %d ms)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt), config.leaseTime().toMillis());
            assertThat(holder.returned).as("a crashed process runs nothing").isEmpty();
        } finally {
            a.close();
            b.close();
        }
    }

    private static int owned(RedisEventBus bus) {
        return bus.subscriptions().stream().mapToInt(s -> s.ownedShards().size()).sum();
    }

    @Test
    void explicitKeyDecidesTheShardAndTheOrder() throws Exception {
        RedisBusConfig config = TestRedis.fastBus(PREFIX).shards(8).build();
        String topic = topic();
        try (RedisEventBus bus = RedisEventBus.create(config); TestRedis.Raw raw = TestRedis.raw()) {
            bus.subscribe(topic, "g", e -> CompletableFuture.completedFuture(null));
            // subjects differ, the explicit key is one: all land on the key's shard, unchanged
            for (int i = 0; i < 20; i++) {
                accepted(bus.publish(topic, event("e" + i, "subject-" + i), "order-42"));
            }
            int shard = RedisEventBus.shardOf("order-42", 8);
            List<StreamMessage<String, byte[]>> entries = raw.sync().xrange(config.streamKey(topic, shard),
                    Range.create("-", "+"));
            assertThat(entries).hasSize(20);
            assertThat(entries).allSatisfy(m -> assertThat(new String(m.getBody().get(EntryFormat.KEY),
                    StandardCharsets.UTF_8)).isEqualTo("order-42"));
            assertThat(EntryFormat.decode(entries.get(3).getBody()).getSubject()).isEqualTo("subject-3");
        }
    }

    @Test
    void identicalEventsFromSeveralInstancesCollapseToOneWithinTheWindow() throws Exception {
        RedisBusConfig config = TestRedis.fastBus(PREFIX).suppressDuplicates(Duration.ofSeconds(30)).build();
        String topic = topic();
        List<RedisEventBus> instances = new ArrayList<>();
        try (TestRedis.Raw raw = TestRedis.raw()) {
            for (int i = 0; i < 3; i++) {
                instances.add(RedisEventBus.create(config));
            }
            List<CompletableFuture<Void>> stages = new ArrayList<>();
            for (int tick = 0; tick < 10; tick++) {
                for (RedisEventBus instance : instances) { // no key: every copy may land on another shard
                    CloudEvent copy = CloudEventBuilder.v1().withId("tick-" + tick).withSource(URI.create("/cron/every-second"))
                            .withType("io.switchboard.tick").build();
                    stages.add(instance.publish(topic, copy).toCompletableFuture());
                }
            }
            CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            long entries = 0;
            for (int i = 0; i < config.shards(); i++) {
                entries += raw.sync().xlen(config.streamKey(topic, i));
            }
            assertThat(entries).as("entries for 10 ticks published by 3 instances each").isEqualTo(10);
        } finally {
            instances.forEach(RedisEventBus::close);
        }
    }

    @Test
    void acknowledgedRetentionTrimsOnlyWhatEveryGroupAcknowledged() throws Exception {
        RedisBusConfig config = TestRedis.fastBus(PREFIX).shards(1).trimInterval(Duration.ofMillis(300)).build();
        String topic = topic();
        Holder holder = new Holder();
        try (RedisEventBus bus = RedisEventBus.create(config); TestRedis.Raw raw = TestRedis.raw()) {
            bus.subscribe(topic, "g", holder);
            List<CompletableFuture<Void>> stages = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                stages.add(bus.publish(topic, event((i == 2_000 ? "hold-" : "e-") + i, "k" + (i % 10)))
                        .toCompletableFuture());
            }
            CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            String stream = config.streamKey(topic, 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> holder.delivered.size() == 3_000);
            // the held entry (the 2001st) stays; entries before it go (approximately: whole nodes), none after it
            await().atMost(Duration.ofSeconds(10)).until(() -> raw.sync().xlen(stream) < 2_000);
            Thread.sleep(1_000);
            List<StreamMessage<String, byte[]>> left = raw.sync().xrange(stream, Range.create("-", "+"));
            List<String> ids = left.stream().map(m -> new String(m.getBody().get("ce-id"), StandardCharsets.UTF_8)).toList();
            assertThat(ids).as("the held entry is never trimmed").contains("hold-2000");
            assertThat(ids.subList(ids.indexOf("hold-2000"), ids.size())).as("entries from the held one on").hasSize(1_000);
            holder.held.get("hold-2000").release();
            await().atMost(Duration.ofSeconds(10)).until(() -> raw.sync().xlen(stream) < 1_000);
        }
    }

    @Test
    void backPressureBoundsUnacknowledgedEntriesPerMember() throws Exception {
        RedisBusConfig config = TestRedis.fastBus(PREFIX).maxInFlight(10).build();
        String topic = topic();
        AtomicInteger delivered = new AtomicInteger();
        CompletableFuture<Void> never = new CompletableFuture<>();
        try (RedisEventBus bus = RedisEventBus.create(config)) {
            bus.subscribe(topic, "g", e -> {
                delivered.incrementAndGet();
                return never;
            });
            List<CompletableFuture<Void>> stages = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                stages.add(bus.publish(topic, event("e" + i, "key-" + i)).toCompletableFuture());
            }
            CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            RedisSubscription subscription = bus.subscriptions().iterator().next();
            // read but not acknowledged: running, or queued behind another key of their lane
            await().atMost(Duration.ofSeconds(10)).until(() -> subscription.inFlight() == 10);
            await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5))
                    .until(() -> subscription.inFlight() == 10 && delivered.get() <= 10);
            never.complete(null);
            await().atMost(Duration.ofSeconds(10)).until(() -> delivered.get() == 100);
        }
    }

    @Test
    void waitForReplicasFailsThePublishWhenTooFewReplicasConfirm() {
        RedisBusConfig config = TestRedis.fastBus(PREFIX).waitForReplicas(1, Duration.ofMillis(100)).build();
        try (RedisEventBus bus = RedisEventBus.create(config)) {
            CompletableFuture<Void> stage = bus.publish(topic(), event("w", "k")).toCompletableFuture();
            assertThatThrownBy(() -> stage.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(PublishRejectedException.class)
                    .hasMessageContaining("0 of 1 replicas").hasMessageContaining(RedisBusConfig.WAIT_REPLICAS);
        }
    }

    @Test
    void structuredEntriesAreReadLikeBinaryOnes() throws Exception {
        RedisBusConfig structured = TestRedis.fastBus(PREFIX).encoding(RedisBusConfig.Encoding.STRUCTURED).build();
        RedisBusConfig binary = TestRedis.fastBus(PREFIX).build();
        String topic = topic();
        AtomicReference<CloudEvent> received = new AtomicReference<>();
        try (RedisEventBus publisher = RedisEventBus.create(structured); RedisEventBus consumer = RedisEventBus.create(binary);
             TestRedis.Raw raw = TestRedis.raw()) {
            consumer.subscribe(topic, "g", e -> {
                received.set(e);
                return CompletableFuture.completedFuture(null);
            });
            CloudEvent sent = CloudEventBuilder.v1(event("s1", "k")).withExtension("tenant", "acme")
                    .withDataContentType("application/json").withData("{\"a\":1}".getBytes(StandardCharsets.UTF_8)).build();
            accepted(publisher.publish(topic, sent));
            await().atMost(Duration.ofSeconds(10)).until(() -> received.get() != null);
            CloudEvent got = received.get();
            assertThat(got.getId()).isEqualTo("s1");
            assertThat(got.getSubject()).isEqualTo("k");
            assertThat(got.getDataContentType()).isEqualTo("application/json");
            assertThat(got.getExtension("tenant")).isEqualTo("acme");
            assertThat(got.getData().toBytes()).isEqualTo(sent.getData().toBytes());
            StreamMessage<String, byte[]> entry = raw.sync().xrange(structured.streamKey(topic,
                    RedisEventBus.shardOf("k", structured.shards())), Range.create("-", "+")).get(0);
            assertThat(new String(entry.getBody().get("content-type"), StandardCharsets.UTF_8))
                    .isEqualTo("application/cloudevents+json");
        }
    }

    @Test
    void consumptionGoesOnWhenTheStreamsAndTheirGroupWereDeleted() throws Exception {
        RedisBusConfig config = TestRedis.fastBus(PREFIX).build();
        String topic = topic();
        List<String> received = new CopyOnWriteArrayList<>();
        try (RedisEventBus bus = RedisEventBus.create(config); TestRedis.Raw raw = TestRedis.raw()) {
            bus.subscribe(topic, "g", e -> {
                received.add(e.getId());
                return CompletableFuture.completedFuture(null);
            });
            accepted(bus.publish(topic, event("first", "k")));
            await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("first"));
            for (int i = 0; i < config.shards(); i++) {
                raw.sync().del(config.streamKey(topic, i)); // as a server without persistence after a restart
            }
            accepted(bus.publish(topic, event("second", "k")));
            await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("second"));
            assertThat(received).containsExactly("first", "second");
        }
    }
}
