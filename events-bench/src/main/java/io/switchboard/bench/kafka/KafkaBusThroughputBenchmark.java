package io.switchboard.bench.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.kafka.EmbeddedKafkaBroker;
import io.switchboard.kafka.KafkaBusConfig;
import io.switchboard.kafka.KafkaEventBus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end throughput of {@link KafkaEventBus} (publish → broker → subscription → handler acknowledged and
 * committed) against the raw {@code kafka-clients} producer and consumer doing the same work with equivalent
 * settings: idempotent producer with {@code acks=all} and default batching, manual offset commits after every poll,
 * the same topic layout (3 partitions), 32 keys and a 256-byte payload.
 *
 * <p>Both run against one embedded single-node KRaft broker in one JVM ({@code @Fork(0)}: the broker is shared
 * across the two benchmarks, so both meet the same broker in the same run; the bus runs first, so the raw client
 * meets the warmer broker). One operation is one event; each invocation publishes {@link #EVENTS} events and
 * returns when the consumer has seen all of them.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(0)
public class KafkaBusThroughputBenchmark {

    static final int EVENTS = 20_000;
    private static final int KEYS = 32;
    private static final int PARTITIONS = 3;
    private static final byte[] PAYLOAD = new byte[256];

    /** One broker for the whole run, stopped (and its directory deleted) when the JVM exits. */
    private static final class Broker {
        static final EmbeddedKafkaBroker INSTANCE = new EmbeddedKafkaBroker().start();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(INSTANCE::close, "benchmark-broker-stop"));
        }
    }

    @State(Scope.Benchmark)
    public static class BusState {
        KafkaEventBus bus;
        String topic;
        final AtomicLong consumed = new AtomicLong();
        CloudEvent[] events;

        @Setup(Level.Trial)
        public void start() {
            bus = KafkaEventBus.create(KafkaBusConfig.builder()
                    .bootstrapServers(Broker.INSTANCE.bootstrapServers())
                    .topicPartitions(PARTITIONS)
                    .build());
            topic = "bench-bus-" + UUID.randomUUID();
            CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
            bus.subscribe(topic, "bench", event -> {
                consumed.incrementAndGet();
                return done;
            });
            events = new CloudEvent[EVENTS];
            for (int i = 0; i < EVENTS; i++) {
                events[i] = event(i);
            }
        }

        static CloudEvent event(int i) {
            return CloudEventBuilder.v1().withId("e-" + i).withSource(URI.create("/bench"))
                    .withType("io.switchboard.bench").withSubject("key-" + (i % KEYS))
                    .withDataContentType("application/octet-stream").withData(PAYLOAD).build();
        }

        @TearDown(Level.Trial)
        public void stop() {
            bus.close();
        }
    }

    @State(Scope.Benchmark)
    public static class RawState {
        KafkaProducer<String, byte[]> producer;
        KafkaConsumer<String, byte[]> consumer;
        Thread poller;
        volatile boolean running = true;
        String topic;
        final AtomicLong consumed = new AtomicLong();
        String[] keys;
        /** The binary-mode CloudEvent headers of the bus's events, for the raw run that carries the same bytes. */
        org.apache.kafka.common.header.Headers[] headers;

        @Setup(Level.Trial)
        public void start() throws Exception {
            String servers = Broker.INSTANCE.bootstrapServers();
            topic = "switchboard.bench-raw-" + UUID.randomUUID();
            createTopic(servers, topic);
            producer = new KafkaProducer<>(Map.of("bootstrap.servers", servers, "acks", "all",
                    "enable.idempotence", "true"), new StringSerializer(), new ByteArraySerializer());
            consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", servers, "group.id", "bench",
                    "enable.auto.commit", "false", "auto.offset.reset", "earliest",
                    "partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"),
                    new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(topic));
            poller = new Thread(() -> {
                try {
                    Committer committer = new Committer(consumer);
                    while (running) {
                        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                        if (!records.isEmpty()) {
                            consumed.addAndGet(records.count());
                        }
                        committer.afterPoll(!records.isEmpty());
                    }
                } catch (WakeupException stopping) {
                    // stop() woke the poll
                } finally {
                    consumer.close();
                }
            }, "bench-raw-consumer");
            poller.start();
            keys = new String[KEYS];
            for (int k = 0; k < KEYS; k++) {
                keys[k] = "key-" + k;
            }
            io.cloudevents.kafka.CloudEventSerializer serializer = new io.cloudevents.kafka.CloudEventSerializer();
            serializer.configure(Map.of(io.cloudevents.kafka.CloudEventSerializer.ENCODING_CONFIG, "BINARY"), false);
            headers = new org.apache.kafka.common.header.Headers[EVENTS];
            for (int i = 0; i < EVENTS; i++) {
                headers[i] = new org.apache.kafka.common.header.internals.RecordHeaders();
                serializer.serialize(topic, headers[i], BusState.event(i));
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            running = false;
            consumer.wakeup();
            poller.join(10_000);
            producer.close();
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

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void raw(RawState state) throws Exception {
        long target = state.consumed.get() + EVENTS;
        java.util.concurrent.Future<?> last = null;
        for (int i = 0; i < EVENTS; i++) {
            last = state.producer.send(new ProducerRecord<>(state.topic, state.keys[i % KEYS], PAYLOAD));
        }
        last.get();
        awaitCount(state.consumed, target);
    }

    /**
     * The raw client carrying exactly the records the bus writes (same key, value and CloudEvent headers), without
     * decoding them: separates the cost of the wire format from the cost of the bus's own consumption engine.
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void rawSameRecords(RawState state) throws Exception {
        long target = state.consumed.get() + EVENTS;
        java.util.concurrent.Future<?> last = null;
        for (int i = 0; i < EVENTS; i++) {
            last = state.producer.send(new ProducerRecord<>(state.topic, null, state.keys[i % KEYS], PAYLOAD,
                    state.headers[i]));
        }
        last.get();
        awaitCount(state.consumed, target);
    }

    /** A hand-written CloudEvents pipeline: kafka-clients with the SDK's Kafka serializer and deserializer. */
    @State(Scope.Benchmark)
    public static class SdkState {
        KafkaProducer<String, CloudEvent> producer;
        KafkaConsumer<String, CloudEvent> consumer;
        Thread poller;
        volatile boolean running = true;
        String topic;
        final AtomicLong consumed = new AtomicLong();
        CloudEvent[] events;

        @Setup(Level.Trial)
        public void start() throws Exception {
            String servers = Broker.INSTANCE.bootstrapServers();
            topic = "bench-sdk-" + UUID.randomUUID();
            createTopic(servers, topic);
            producer = new KafkaProducer<>(Map.of("bootstrap.servers", servers, "acks", "all",
                    "enable.idempotence", "true", io.cloudevents.kafka.CloudEventSerializer.ENCODING_CONFIG, "BINARY"),
                    new StringSerializer(), new io.cloudevents.kafka.CloudEventSerializer());
            consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", servers, "group.id", "bench",
                    "enable.auto.commit", "false", "auto.offset.reset", "earliest",
                    "partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"),
                    new StringDeserializer(), new io.cloudevents.kafka.CloudEventDeserializer());
            consumer.subscribe(List.of(topic));
            poller = new Thread(() -> {
                try {
                    Committer committer = new Committer(consumer);
                    while (running) {
                        ConsumerRecords<String, CloudEvent> records = consumer.poll(Duration.ofMillis(100));
                        if (!records.isEmpty()) {
                            consumed.addAndGet(records.count());
                        }
                        committer.afterPoll(!records.isEmpty());
                    }
                } catch (WakeupException stopping) {
                    // stop() woke the poll
                } finally {
                    consumer.close();
                }
            }, "bench-sdk-consumer");
            poller.start();
            events = new CloudEvent[EVENTS];
            for (int i = 0; i < EVENTS; i++) {
                events[i] = BusState.event(i);
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            running = false;
            consumer.wakeup();
            poller.join(10_000);
            producer.close();
        }
    }

    /** kafka-clients with the CloudEvents SDK's serializer/deserializer: the same job as the bus, written by hand. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void rawCloudEvents(SdkState state) throws Exception {
        long target = state.consumed.get() + EVENTS;
        java.util.concurrent.Future<?> last = null;
        for (int i = 0; i < EVENTS; i++) {
            CloudEvent event = state.events[i];
            last = state.producer.send(new ProducerRecord<>(state.topic, event.getSubject(), event));
        }
        last.get();
        awaitCount(state.consumed, target);
    }

    /**
     * Runs the benchmarks of this class in this JVM against one broker, then stops the broker (whose threads would otherwise keep
     * the JVM alive): {@code java -cp benchmarks.jar io.switchboard.bench.kafka.KafkaBusThroughputBenchmark [jmh options]}.
     */
    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.runner.options.CommandLineOptions given = new org.openjdk.jmh.runner.options.CommandLineOptions(args);
        String[] withInclude = args;
        if (given.getIncludes().isEmpty()) { // never the other benchmarks of the jar
            withInclude = new String[args.length + 1];
            withInclude[0] = KafkaBusThroughputBenchmark.class.getName();
            System.arraycopy(args, 0, withInclude, 1, args.length);
        }
        org.openjdk.jmh.runner.options.CommandLineOptions options =
                new org.openjdk.jmh.runner.options.CommandLineOptions(withInclude);
        try {
            new org.openjdk.jmh.runner.Runner(options).run();
        } finally {
            System.exit(0); // the shutdown hook stops the broker and deletes its directory
        }
    }

    /** Creates a topic and waits until its leaders serve, as the bus does (an early produce can hit KAFKA-15591). */
    static void createTopic(String servers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(PARTITIONS), Optional.empty()))).all().get();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> partitions = new java.util.HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.put(new org.apache.kafka.common.TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            for (int i = 0; i < 100; i++) {
                try {
                    admin.listOffsets(partitions).all().get(); // every leader serves
                    return;
                } catch (java.util.concurrent.ExecutionException notYet) {
                    Thread.sleep(50);
                }
            }
        }
    }

    /**
     * The baselines' commit cadence, the bus's too: after each poll, commit the consumed positions asynchronously,
     * one commit in flight at a time (a commit skipped meanwhile is covered by the next). A bare {@code commitAsync()}
     * per poll queues commits faster than a loaded coordinator answers; they then time out by the ten thousand and
     * their error logging slows the baseline down.
     */
    private static final class Committer {
        private final KafkaConsumer<?, ?> consumer;
        private boolean dirty; // poll thread only; commit callbacks run inside poll()
        private boolean inFlight;

        Committer(KafkaConsumer<?, ?> consumer) {
            this.consumer = consumer;
        }

        void afterPoll(boolean consumedSomething) {
            dirty |= consumedSomething;
            if (dirty && !inFlight) {
                dirty = false;
                inFlight = true;
                consumer.commitAsync((offsets, error) -> inFlight = false);
            }
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
