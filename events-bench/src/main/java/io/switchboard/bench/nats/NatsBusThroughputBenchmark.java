package io.switchboard.bench.nats;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.impl.Headers;
import io.switchboard.nats.NatsBusConfig;
import io.switchboard.nats.NatsEventBus;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end throughput of {@link NatsEventBus} (publish → JetStream PubAck → partition consumers → handler → ack)
 * against raw jnats JetStream doing the same job with the same bytes on the same server and stream: asynchronous
 * publishes each awaited for its PubAck, and a pull consumer acknowledging every message explicitly.
 *
 * <p>Both use one stream the bus creates (memory storage, so the shared machine's disk does not decide the figures),
 * 8 partition subjects, 32 keys and a 256-byte payload; the raw run publishes exactly the headers and payload the bus
 * writes in binary mode (the {@code ce-} headers, {@code Nats-Msg-Id}, the partition-key header) to the same partition
 * subjects, and pulls batches of 256 from one durable consumer on all of them ({@code raw}) or from one durable per
 * partition subject, each on its own thread ({@code rawPartitioned}, the bus's layout). One operation is one event; each invocation publishes
 * {@link #EVENTS} events and returns when the consumer has seen all of them. The server is the machine's
 * ({@code -Dnats.url}, default {@code nats://127.0.0.1:4222}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class NatsBusThroughputBenchmark {

    static final int EVENTS = 20_000;
    private static final int KEYS = 32;
    private static final byte[] PAYLOAD = new byte[256];
    private static final String URL = System.getProperty("nats.url", "nats://127.0.0.1:4222");

    static NatsBusConfig config(String prefix) {
        return NatsBusConfig.builder().servers(URL).subjectPrefix(prefix).storage(StorageType.Memory)
                .maxBytes(512L * 1024 * 1024).maxAge(Duration.ofMinutes(30)).build();
    }

    static CloudEvent event(int i) {
        return CloudEventBuilder.v1().withId("e-" + i).withSource(URI.create("/bench"))
                .withType("io.switchboard.bench").withSubject("key-" + (i % KEYS))
                .withDataContentType("application/octet-stream").withData(PAYLOAD).build();
    }

    @State(Scope.Benchmark)
    public static class BusState {
        NatsEventBus bus;
        String topic;
        final AtomicLong consumed = new AtomicLong();
        CloudEvent[] events;
        int round;

        @Setup(Level.Trial)
        public void start() {
            bus = NatsEventBus.create(config("bench-" + UUID.randomUUID().toString().substring(0, 8)));
            topic = "bus";
            CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
            bus.subscribe(topic, "bench", event -> {
                consumed.incrementAndGet();
                return done;
            });
            events = new CloudEvent[EVENTS];
        }

        /** Fresh ids per invocation: the stream drops a repeated Nats-Msg-Id within its duplicate window. */
        @Setup(Level.Invocation)
        public void nextEvents() {
            int base = round++ * EVENTS;
            for (int i = 0; i < EVENTS; i++) {
                events[i] = CloudEventBuilder.from(event(i)).withId("e-" + (base + i)).build();
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            NatsBusConfig config = bus.config();
            bus.close();
            deleteStream(config);
        }
    }

    @State(Scope.Benchmark)
    public static class RawState {
        /** Pull consumers: one on all partition subjects, or (subclass) one per partition subject like the bus. */
        int pullers() {
            return 1;
        }

        Connection connection;
        JetStream js;
        NatsBusConfig config;
        String[] subjects;
        Headers[] headers;
        byte[][] payloads;
        PublishOptions options;
        final java.util.List<Thread> pullerThreads = new java.util.ArrayList<>();
        volatile boolean running = true;
        final AtomicLong consumed = new AtomicLong();
        int round;

        @Setup(Level.Trial)
        public void start() throws Exception {
            config = config("bench-" + UUID.randomUUID().toString().substring(0, 8));
            // the bus creates the stream and its partition subjects; this bus itself is not used afterwards
            NatsEventBus.create(config).close();
            connection = Nats.connect(URL);
            js = connection.jetStream();
            options = PublishOptions.builder().expectedStream(config.stream()).build();
            int n = pullers();
            for (int c = 0; c < n; c++) {
                String durable = "raw-bench-" + c;
                String filter = config.subjectPrefix() + ".raw." + (n == 1 ? ">" : Integer.toString(c));
                connection.jetStreamManagement().addOrUpdateConsumer(config.stream(), ConsumerConfiguration.builder()
                        .durable(durable).filterSubject(filter).ackPolicy(AckPolicy.Explicit)
                        .deliverPolicy(DeliverPolicy.All).maxAckPending(n == 1 ? 8_000 : 1_000).build());
                JetStreamSubscription subscription = js.subscribe(filter, PullSubscribeOptions.bind(config.stream(), durable));
                Thread puller = new Thread(() -> {
                    while (running) {
                        try {
                            Iterator<Message> batch = subscription.iterate(256, Duration.ofMillis(500));
                            while (batch.hasNext()) {
                                batch.next().ack();
                                consumed.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            if (running) {
                                e.printStackTrace();
                            }
                        }
                    }
                }, "bench-raw-puller-" + c);
                puller.start();
                pullerThreads.add(puller);
            }
            subjects = new String[EVENTS];
            headers = new Headers[EVENTS];
            payloads = new byte[EVENTS][];
        }

        /**
         * The bytes the bus writes for the same events (its binary-mode {@code ce-} headers, {@code Nats-Msg-Id} and
         * the partition-key header, the same payload), on the partition subject of the key; fresh ids per invocation,
         * as the bus gets.
         */
        @Setup(Level.Invocation)
        public void nextMessages() {
            int base = round++ * EVENTS;
            for (int i = 0; i < EVENTS; i++) {
                String key = "key-" + (i % KEYS);
                int partition = Math.floorMod(fnv1a(key), config.partitions());
                subjects[i] = config.subjectPrefix() + ".raw." + partition;
                Headers h = new Headers();
                h.put("ce-specversion", "1.0");
                h.put("ce-id", "e-" + (base + i));
                h.put("ce-source", "/bench");
                h.put("ce-type", "io.switchboard.bench");
                h.put("ce-datacontenttype", "application/octet-stream");
                h.put("ce-subject", key);
                h.put("Nats-Msg-Id", "/bench e-" + (base + i));
                h.put("Switchboard-Partition-Key", key);
                headers[i] = h;
                payloads[i] = PAYLOAD;
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            running = false;
            for (Thread puller : pullerThreads) {
                puller.join(5_000);
            }
            connection.close();
            deleteStream(config);
        }
    }

    /** Raw jnats with one pull consumer per partition subject, each on its own thread: the bus's consumer layout. */
    @State(Scope.Benchmark)
    public static class RawPartitionedState extends RawState {
        @Override
        int pullers() {
            return 8;
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void bus(BusState state) {
        long target = state.consumed.get() + EVENTS;
        CompletableFuture<?>[] stages = new CompletableFuture<?>[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            CompletionStage<Void> stage = state.bus.publish(state.topic, state.events[i]);
            stages[i] = stage.toCompletableFuture();
        }
        CompletableFuture.allOf(stages).join();
        awaitCount(state.consumed, target);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void raw(RawState state) {
        long target = state.consumed.get() + EVENTS;
        CompletableFuture<?>[] acks = new CompletableFuture<?>[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            CompletableFuture<PublishAck> ack = state.js.publishAsync(state.subjects[i], state.headers[i],
                    state.payloads[i], state.options);
            acks[i] = ack;
        }
        CompletableFuture.allOf(acks).join();
        awaitCount(state.consumed, target);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void rawPartitioned(RawPartitionedState state) {
        raw(state);
    }

    private static void awaitCount(AtomicLong counter, long target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (counter.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("consumer saw " + counter.get() + " of " + target + " events in 120 s");
            }
            Thread.onSpinWait();
        }
    }

    private static int fnv1a(String s) {
        int hash = 0x811c9dc5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return hash;
    }

    private static void deleteStream(NatsBusConfig config) {
        try (Connection c = Nats.connect(URL)) {
            c.jetStreamManagement().deleteStream(config.stream());
            c.keyValueManagement().delete(config.leaseBucket());
        } catch (Exception e) {
            System.err.println("could not delete stream " + config.stream() + ": " + e);
        }
    }

    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(args.length > 0 ? args : new String[]{NatsBusThroughputBenchmark.class.getName()});
    }
}
