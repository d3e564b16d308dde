package io.switchboard.bench.redis;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.lettuce.core.Consumer;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.switchboard.redis.RedisBusConfig;
import io.switchboard.redis.RedisEventBus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end throughput of {@link RedisEventBus} (publish → Redis → subscription → handler → {@code XACK}) against
 * raw Lettuce doing the same work on the same server: pipelined {@code XADD} of byte-identical entries (the bus's
 * binary-mode fields, copied from the stream the bus wrote) to the same 8 shard streams, one consumer thread reading
 * all of them with {@code XREADGROUP COUNT 500 BLOCK 100} and acknowledging each read with one pipelined
 * {@code XACK} per stream. 32 keys, 256-byte payload. One operation is one event; each invocation publishes
 * {@link #EVENTS} events and returns when the consumer has seen all of them.
 *
 * <p>Both run against the machine's Redis ({@code -Dredis.uri}, default {@code redis://127.0.0.1:6379}) under a key
 * prefix of their own, deleted at the end.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class RedisBusThroughputBenchmark {

    static final int EVENTS = 20_000;
    private static final int KEYS = 32;
    private static final int SHARDS = 8;
    private static final byte[] PAYLOAD = new byte[256];
    private static final String URI_TEXT = System.getProperty("redis.uri", "redis://127.0.0.1:6379");
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    static CloudEvent event(int i) {
        return CloudEventBuilder.v1().withId("e-" + i).withSource(URI.create("/bench"))
                .withType("io.switchboard.bench").withSubject("key-" + (i % KEYS))
                .withDataContentType("application/octet-stream").withData(PAYLOAD).build();
    }

    static RedisBusConfig config(String prefix) {
        return RedisBusConfig.builder().uri(URI_TEXT).keyPrefix(prefix).shards(SHARDS).build();
    }

    @State(Scope.Benchmark)
    public static class BusState {
        RedisEventBus bus;
        String prefix = "bench:" + UUID.randomUUID() + ":";
        final String topic = "bus";
        final AtomicLong consumed = new AtomicLong();
        CloudEvent[] events;

        @Setup(Level.Trial)
        public void start() {
            bus = RedisEventBus.create(config(prefix));
            bus.subscribe(topic, "bench", event -> {
                consumed.incrementAndGet();
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            });
            events = new CloudEvent[EVENTS];
            for (int i = 0; i < EVENTS; i++) {
                events[i] = event(i);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            bus.close();
            deleteAll(prefix);
        }
    }

    @State(Scope.Benchmark)
    public static class RawState {
        RedisClient client;
        StatefulRedisConnection<String, byte[]> publisher;
        StatefulRedisConnection<String, byte[]> reader;
        StatefulRedisConnection<String, byte[]> acker;
        Thread poller;
        volatile boolean running = true;
        final String prefix = "bench:" + UUID.randomUUID() + ":";
        final AtomicLong consumed = new AtomicLong();
        String[] streams;
        /** Per event: its shard stream and the bus's fields for it, byte for byte. */
        String[] streamOf;
        List<Map<String, byte[]>> fields;

        @Setup(Level.Trial)
        public void start() throws Exception {
            copyTheBusEntries();
            client = RedisClient.create(URI_TEXT);
            publisher = client.connect(CODEC);
            reader = client.connect(CODEC);
            acker = client.connect(CODEC);
            streams = new String[SHARDS];
            for (int s = 0; s < SHARDS; s++) {
                streams[s] = prefix + "raw:" + s;
                publisher.sync().xgroupCreate(XReadArgs.StreamOffset.latest(streams[s]), "bench",
                        XGroupCreateArgs.Builder.mkstream());
            }
            poller = new Thread(this::consume, "bench-raw-consumer");
            poller.start();
        }

        /** Publishes the events once through a bus and reads back what it wrote: the raw run carries those bytes. */
        private void copyTheBusEntries() throws Exception {
            String scratch = prefix + "scratch:";
            // a burst of 20,000 publishes queues in the client: give the last ones time on a loaded machine
            RedisBusConfig config = RedisBusConfig.builder().uri(URI_TEXT).keyPrefix(scratch).shards(SHARDS)
                    .leaseTime(Duration.ofSeconds(60)).commandTimeout(Duration.ofSeconds(30)).build();
            streamOf = new String[EVENTS];
            fields = new ArrayList<>(EVENTS);
            Map<String, Map<String, byte[]>> byId = new HashMap<>();
            Map<String, Integer> shardById = new HashMap<>();
            try (RedisEventBus bus = RedisEventBus.create(config)) {
                CompletionStage<Void> last = null;
                for (int i = 0; i < EVENTS; i++) {
                    last = bus.publish("copy", event(i));
                }
                last.toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
            RedisClient copier = RedisClient.create(URI_TEXT);
            try (StatefulRedisConnection<String, byte[]> c = copier.connect(CODEC)) {
                for (int s = 0; s < SHARDS; s++) {
                    for (StreamMessage<String, byte[]> m : c.sync().xrange(config.streamKey("copy", s), Range.create("-", "+"))) {
                        String id = new String(m.getBody().get("ce-id"), java.nio.charset.StandardCharsets.UTF_8);
                        byId.put(id, m.getBody());
                        shardById.put(id, s);
                    }
                }
            } finally {
                copier.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
            for (int i = 0; i < EVENTS; i++) {
                fields.add(byId.get("e-" + i));
                streamOf[i] = prefix + "raw:" + shardById.get("e-" + i);
            }
        }

        private void consume() {
            Consumer<String> me = Consumer.from("bench", "raw-1");
            @SuppressWarnings("unchecked")
            XReadArgs.StreamOffset<String>[] offsets = new XReadArgs.StreamOffset[SHARDS];
            for (int s = 0; s < SHARDS; s++) {
                offsets[s] = XReadArgs.StreamOffset.lastConsumed(streams[s]);
            }
            XReadArgs args = XReadArgs.Builder.count(500).block(100);
            Map<String, List<String>> ids = new HashMap<>();
            while (running) {
                List<StreamMessage<String, byte[]>> messages = reader.sync().xreadgroup(me, args, offsets);
                if (messages.isEmpty()) {
                    continue;
                }
                ids.clear();
                for (StreamMessage<String, byte[]> m : messages) {
                    ids.computeIfAbsent(m.getStream(), k -> new ArrayList<>()).add(m.getId());
                }
                consumed.addAndGet(messages.size());
                for (Map.Entry<String, List<String>> e : ids.entrySet()) {
                    acker.async().xack(e.getKey(), "bench", e.getValue().toArray(String[]::new));
                }
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            running = false;
            poller.join(10_000);
            publisher.close();
            reader.close();
            acker.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            deleteAll(prefix);
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void bus(BusState state) {
        long target = state.consumed.get() + EVENTS;
        CompletionStage<Void> last = null;
        for (int i = 0; i < EVENTS; i++) {
            last = state.bus.publish(state.topic, state.events[i]);
        }
        last.toCompletableFuture().join();
        awaitCount(state.consumed, target);
    }

    /** Raw Lettuce: pipelined XADD of the bus's entries (same bytes, same shard streams), XREADGROUP + XACK. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void rawSameEntries(RawState state) throws Exception {
        long target = state.consumed.get() + EVENTS;
        RedisFuture<String> last = null;
        for (int i = 0; i < EVENTS; i++) {
            last = state.publisher.async().xadd(state.streamOf[i], state.fields.get(i));
        }
        last.get(60, TimeUnit.SECONDS);
        awaitCount(state.consumed, target);
    }

    private static void deleteAll(String prefix) {
        RedisClient client = RedisClient.create(URI_TEXT);
        try (StatefulRedisConnection<String, byte[]> c = client.connect(CODEC)) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = c.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
                if (!page.getKeys().isEmpty()) {
                    c.sync().del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static void awaitCount(AtomicLong counter, long target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (counter.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("consumer stalled at " + counter.get() + " of " + target);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
    }
}
