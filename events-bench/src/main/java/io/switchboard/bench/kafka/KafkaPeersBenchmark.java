package io.switchboard.bench.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventSerializer;
import io.cloudevents.spring.messaging.CloudEventMessageConverter;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.switchboard.kafka.EmbeddedKafkaBroker;
import io.switchboard.kafka.KafkaBusConfig;
import io.switchboard.kafka.KafkaEventBus;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.cloud.stream.binder.kafka.common.BinderHeaderMapper;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Kafka end to end against Apache Camel's Kafka component and Spring Cloud Stream's Kafka binder, on one in-JVM
 * broker: the same CloudEvents (binary mode, {@code ce_*} headers, 256-byte payload, 32 subjects as keys, the extension
 * {@code tenant}), topics of 3 partitions, and on every consumer the same condition,
 * {@code type = 'io.switchboard.bench' AND tenant = 'acme'} (every event matches it, so every event reaches the
 * handler, which counts it). One operation is one event; an invocation produces {@link #EVENTS} events and returns
 * when the handler has counted all of them.
 *
 * <p>The consumers differ, the producer does not: in {@code switchboard}, {@code camel} and {@code springCloudStream}
 * one {@code kafka-clients} producer with the CloudEvents SDK's serializer (idempotent, {@code acks=all}, default
 * batching — the settings of the bus's own producer) writes the events to the peer's topic, so the rows compare
 * consumption, filtering and commits. {@code switchboardPublish} is Switchboard's whole path, its own
 * {@code Switchboard.publish} included.
 *
 * <ul>
 *   <li>Switchboard: {@code KafkaEventBus} with default settings (one poll thread, 16 lanes, offsets committed after
 *       the handler returned, one asynchronous commit in flight), a trigger whose input filter is the condition in
 *       CESQL, an inline subscriber.</li>
 *   <li>Camel: a route {@code from("kafka:…")} with the component's defaults (one consumer; offsets committed by the
 *       Kafka client's auto-commit every 5 s, after the route processed the polled records, so at-least-once with up
 *       to 5 s of redelivery on a crash), a {@code filter} with the condition in the simple language over the
 *       {@code ce_*} headers (read as strings by the component's {@code ToStringKafkaHeaderDeserializer}) and a
 *       processor; https://camel.apache.org/components/4.x/kafka-component.html.</li>
 *   <li>Spring Cloud Stream: a Spring Boot application with a {@code Consumer<CloudEvent>} bean bound to the topic by
 *       the Kafka binder (consumer group, default concurrency 1, default ack mode {@code BATCH}: offsets committed
 *       after each poll's records were handled), the CloudEvents SDK's {@code CloudEventMessageConverter} turning the
 *       message into a {@code CloudEvent} as https://cloudevents.github.io/sdk-java/spring.html documents, and the
 *       condition tested in the bean (Spring Cloud Stream has no filter language on bindings);
 *       https://docs.spring.io/spring-cloud-stream/reference/kafka/kafka-binder/usage.html.</li>
 * </ul>
 *
 * <p>{@code @Fork(0)}: the broker is shared across the benchmarks of one run; start it with
 * {@code java -cp … io.switchboard.bench.kafka.KafkaPeersBenchmark [jmh options]}, which stops the broker at the end.
 * Spring Boot needs its own {@code META-INF} resources unmerged, so run it from the class path, not the shaded jar
 * (docs/benchmarks.md gives the command).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(0)
public class KafkaPeersBenchmark {

    static final int EVENTS = 20_000;
    private static final int KEYS = 32;
    private static final byte[] PAYLOAD = new byte[256];
    static final String TYPE = "io.switchboard.bench";
    static final String CESQL = "type = '" + TYPE + "' AND tenant = 'acme'";
    static final String SIMPLE = "${header.ce_type} == '" + TYPE + "' && ${header.ce_tenant} == 'acme'";

    /** One broker for the whole run, stopped (and its directory deleted) when the JVM exits. */
    private static final class Broker {
        static final EmbeddedKafkaBroker INSTANCE = new EmbeddedKafkaBroker().start();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(INSTANCE::close, "benchmark-broker-stop"));
        }
    }

    static CloudEvent[] events() {
        CloudEvent[] events = new CloudEvent[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            events[i] = CloudEventBuilder.v1().withId("e-" + i).withSource(URI.create("/bench")).withType(TYPE)
                    .withSubject("key-" + (i % KEYS)).withExtension("tenant", "acme")
                    .withDataContentType("application/octet-stream").withData(PAYLOAD).build();
        }
        return events;
    }

    /** The producer every consumer-side row shares: the settings of the bus's own producer. */
    static KafkaProducer<String, CloudEvent> producer() {
        return new KafkaProducer<>(Map.of("bootstrap.servers", Broker.INSTANCE.bootstrapServers(), "acks", "all",
                "enable.idempotence", "true", CloudEventSerializer.ENCODING_CONFIG, "BINARY"),
                new StringSerializer(), new CloudEventSerializer());
    }

    static void produce(KafkaProducer<String, CloudEvent> producer, String topic, CloudEvent[] events)
            throws Exception {
        Future<?> last = null;
        for (CloudEvent event : events) {
            last = producer.send(new ProducerRecord<>(topic, event.getSubject(), event));
        }
        last.get();
    }

    static void await(AtomicLong counter, long target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (counter.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("consumer stalled at " + counter.get() + " of " + target);
            }
            LockSupport.parkNanos(100_000);
        }
    }

    @State(Scope.Benchmark)
    public static class SwitchboardState {
        final AtomicLong handled = new AtomicLong();
        CloudEvent[] events;
        KafkaEventBus bus;
        Switchboard switchboard;
        KafkaProducer<String, CloudEvent> producer;
        String topic;

        @Setup(Level.Trial)
        public void start() {
            events = events();
            KafkaBusConfig config = KafkaBusConfig.builder().bootstrapServers(Broker.INSTANCE.bootstrapServers())
                    .topicPrefix("bench-sb-" + UUID.randomUUID() + ".").topicPartitions(3).build();
            bus = KafkaEventBus.create(config);
            switchboard = Switchboard.builder().bus(bus)
                    .trigger(Trigger.builder("bench").input("in", CESQL)
                            .subscriber(Subscriber.builder("count").inline()
                                    .handler(e -> handled.incrementAndGet()).build())
                            .build())
                    .build().start();
            topic = config.kafkaTopic(io.switchboard.api.TriggerInput.APPLICATION);
            producer = producer();
        }

        @TearDown(Level.Trial)
        public void stop() {
            producer.close();
            switchboard.close();
            bus.close();
        }
    }

    @State(Scope.Benchmark)
    public static class CamelState {
        final AtomicLong handled = new AtomicLong();
        CloudEvent[] events;
        CamelContext camel;
        KafkaProducer<String, CloudEvent> producer;
        String topic;

        @Setup(Level.Trial)
        public void start() throws Exception {
            events = events();
            topic = "bench-camel-" + UUID.randomUUID();
            KafkaBusThroughputBenchmark.createTopic(Broker.INSTANCE.bootstrapServers(), topic);
            camel = new DefaultCamelContext();
            String uri = "kafka:" + topic + "?brokers=" + Broker.INSTANCE.bootstrapServers()
                    + "&groupId=bench&autoOffsetReset=earliest"
                    + "&valueDeserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer"
                    + "&headerDeserializer=#class:org.apache.camel.component.kafka.serde.ToStringKafkaHeaderDeserializer";
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri).filter(simple(SIMPLE)).process(exchange -> handled.incrementAndGet());
                }
            });
            camel.start();
            producer = producer();
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            producer.close();
            camel.close();
        }
    }

    /** The Spring Boot application of {@code springCloudStream}: one function bean, bound by the Kafka binder. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class StreamApplication {
        static final AtomicLong HANDLED = new AtomicLong();

        @Bean
        public CloudEventMessageConverter cloudEventMessageConverter() {
            return new CloudEventMessageConverter();
        }

        /**
         * The binder's own header mapper ({@code kafkaBinderHeaderMapper} is the bean name it looks for), told to
         * read the CloudEvents headers as strings: the records of other producers carry them as plain bytes.
         */
        @Bean
        public BinderHeaderMapper kafkaBinderHeaderMapper() {
            BinderHeaderMapper mapper = new BinderHeaderMapper();
            for (String header : new String[] {"ce_id", "ce_source", "ce_type", "ce_specversion", "ce_subject",
                    "ce_tenant", "content-type"}) {
                mapper.addRawMappedHeader(header, true);
            }
            return mapper;
        }

        /**
         * {@code bench.sync-commits=false} makes the listener container commit asynchronously (Spring Kafka commits
         * synchronously by default), through the customizer the binder documents for container settings.
         */
        @Bean
        public ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> commits(
                @Value("${bench.sync-commits:true}") boolean syncCommits) {
            return (container, destination, group) -> container.getContainerProperties().setSyncCommits(syncCommits);
        }

        @Bean
        public Consumer<CloudEvent> handle() {
            return event -> {
                if (TYPE.equals(event.getType()) && "acme".equals(event.getExtension("tenant"))) {
                    HANDLED.incrementAndGet();
                }
            };
        }
    }

    /** {@link StreamState} with the listener container committing asynchronously, as the bus does. */
    @State(Scope.Benchmark)
    public static class StreamAsyncCommitState extends StreamState {
        @Override
        boolean syncCommits() {
            return false;
        }
    }

    @State(Scope.Benchmark)
    public static class StreamState {
        CloudEvent[] events;
        ConfigurableApplicationContext spring;
        KafkaProducer<String, CloudEvent> producer;
        String topic;

        @Setup(Level.Trial)
        public void start() throws Exception {
            events = events();
            topic = "bench-scs-" + UUID.randomUUID();
            KafkaBusThroughputBenchmark.createTopic(Broker.INSTANCE.bootstrapServers(), topic);
            Map<String, Object> properties = new HashMap<>();
            properties.put("spring.cloud.function.definition", "handle");
            properties.put("spring.cloud.stream.bindings.handle-in-0.destination", topic);
            properties.put("spring.cloud.stream.bindings.handle-in-0.group", "bench");
            properties.put("spring.cloud.stream.kafka.binder.brokers", Broker.INSTANCE.bootstrapServers());
            properties.put("spring.cloud.stream.kafka.binder.auto-add-partitions", "false");
            properties.put("spring.main.banner-mode", "off");
            properties.put("bench.sync-commits", Boolean.toString(syncCommits()));
            spring = new SpringApplicationBuilder(StreamApplication.class).web(WebApplicationType.NONE)
                    .properties(properties).run();
            producer = producer();
        }

        boolean syncCommits() {
            return true;
        }

        @TearDown(Level.Trial)
        public void stop() {
            producer.close();
            spring.close();
        }
    }

    /** Switchboard's whole path: {@code Switchboard.publish} → Kafka → trigger filter → handler → commit. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void switchboardPublish(SwitchboardState state) {
        long target = state.handled.get() + EVENTS;
        CompletionStage<Void> last = null;
        for (CloudEvent event : state.events) {
            last = state.switchboard.publish(event);
        }
        last.toCompletableFuture().join();
        await(state.handled, target);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void switchboard(SwitchboardState state) throws Exception {
        long target = state.handled.get() + EVENTS;
        produce(state.producer, state.topic, state.events);
        await(state.handled, target);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void camel(CamelState state) throws Exception {
        long target = state.handled.get() + EVENTS;
        produce(state.producer, state.topic, state.events);
        await(state.handled, target);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void springCloudStream(StreamState state) throws Exception {
        long target = StreamApplication.HANDLED.get() + EVENTS;
        produce(state.producer, state.topic, state.events);
        await(StreamApplication.HANDLED, target);
    }

    /** Spring Cloud Stream with asynchronous commits (Spring Kafka's default is a synchronous commit per poll). */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void springCloudStreamAsyncCommits(StreamAsyncCommitState state) throws Exception {
        long target = StreamApplication.HANDLED.get() + EVENTS;
        produce(state.producer, state.topic, state.events);
        await(StreamApplication.HANDLED, target);
    }

    /**
     * Runs the benchmarks of this class in this JVM against one broker, then stops the broker:
     * {@code java -cp <class path> io.switchboard.bench.kafka.KafkaPeersBenchmark [jmh options]}.
     */
    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.runner.options.CommandLineOptions given = new org.openjdk.jmh.runner.options.CommandLineOptions(args);
        String[] withInclude = args;
        if (given.getIncludes().isEmpty()) { // never the other benchmarks of the jar
            withInclude = new String[args.length + 1];
            withInclude[0] = KafkaPeersBenchmark.class.getName();
            System.arraycopy(args, 0, withInclude, 1, args.length);
        }
        try {
            new org.openjdk.jmh.runner.Runner(new org.openjdk.jmh.runner.options.CommandLineOptions(withInclude)).run();
        } finally {
            System.exit(0); // the shutdown hook stops the broker and deletes its directory
        }
    }
}
