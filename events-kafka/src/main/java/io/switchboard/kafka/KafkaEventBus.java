package io.switchboard.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.kafka.CloudEventSerializer;
import io.switchboard.api.BusCapability;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.EventBus;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.Scheduler;
import io.switchboard.api.Subscription;
import io.switchboard.core.time.Schedulers;
import io.switchboard.spi.BusMetrics;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * An {@link EventBus} on Apache Kafka: each bus topic is a Kafka topic (named by {@link KafkaBusConfig#kafkaTopic}),
 * each subscription a member of a Kafka consumer group, so application instances that subscribe with the same
 * group share the topic's partitions.
 *
 * <p><b>Publishing</b> goes through one idempotent producer with {@code acks=all}, encoding events with the
 * CloudEvents Kafka protocol binding (binary mode by default). The record key is the explicit key given to
 * {@link #publish(String, CloudEvent, String)}, else the event's {@code partitionkey} extension, else its
 * {@code subject}, else none; events with one key share a partition and stay in order.
 * The returned stage completes when the broker acknowledged the record, or exceptionally with
 * {@link PublishRejectedException} saying why it did not; it completes on the producer's I/O thread, so dependent
 * actions must not block.
 *
 * <p><b>Consuming</b> is at-least-once: offsets are committed, per partition, only up to the first event not yet
 * acknowledged (consumer stage completed normally, or poison handled); events of one key are delivered one at a
 * time in order, different keys in parallel; a failed stage is redelivered after a backoff, never skipped; a
 * rebalance commits what finished and leaves the rest to the next owner. Records that are not CloudEvents go to
 * {@link BusConsumer#poison}. See {@code docs/kafka.md}.
 *
 * <p><b>Monitoring</b> ({@link BusMetrics}): the consumer lag of a topic and group is the log-end offset minus the
 * offset the member commits next, summed over the partitions this bus's members of the group are assigned, sampled
 * by each member's poll thread from its consumer's fetch state (no broker round trip); the bus counts as connected
 * while open and every member's consumer holds a broker connection.
 *
 * <p>Thread-safe. {@link #close()} closes every subscription, the producer and the admin client, and stops every
 * thread the bus started.
 */
public final class KafkaEventBus implements EventBus, BusMetrics {

    private static final Logger log = LoggerFactory.getLogger(KafkaEventBus.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Pattern KAFKA_TOPIC = Pattern.compile("[A-Za-z0-9._\\-]{1,249}");
    private static final Set<BusCapability> CAPABILITIES = Set.copyOf(EnumSet.allOf(BusCapability.class));
    private static final String STRUCTURED_FORMAT = "application/cloudevents+json";

    private final KafkaBusConfig config;
    private final String clientId;
    private final Producer<String, CloudEvent> producer;
    private final Topics topics;
    private final Scheduler scheduler;
    private final ScheduledThreadPoolExecutor ownedSchedulerThread;
    private final Set<KafkaSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, String> kafkaTopics = new ConcurrentHashMap<>();
    private final AtomicInteger subscriptionCount = new AtomicInteger();
    private final Object deadLetterLock = new Object();
    private Producer<byte[], byte[]> deadLetterProducer;
    private volatile boolean closed;

    private KafkaEventBus(KafkaBusConfig config) {
        this.config = config;
        this.clientId = "switchboard-bus-" + INSTANCES.incrementAndGet();
        if (config.scheduler().isPresent()) {
            this.scheduler = config.scheduler().get();
            this.ownedSchedulerThread = null;
        } else {
            this.ownedSchedulerThread = new ScheduledThreadPoolExecutor(1, Schedulers.daemonThreads(clientId + "-scheduler"));
            this.ownedSchedulerThread.setRemoveOnCancelPolicy(true);
            this.scheduler = Schedulers.system(ownedSchedulerThread);
        }
        CloudEventSerializer serializer = new CloudEventSerializer();
        Map<String, Object> serializerConfig = new HashMap<>();
        serializerConfig.put(CloudEventSerializer.ENCODING_CONFIG, config.encoding());
        if (config.encoding() == Encoding.STRUCTURED) {
            serializerConfig.put(CloudEventSerializer.EVENT_FORMAT_CONFIG, STRUCTURED_FORMAT);
        }
        serializer.configure(serializerConfig, false);
        try {
            this.producer = new KafkaProducer<>(config.producerConfig(clientId + "-producer"), new StringSerializer(), serializer);
        } catch (RuntimeException e) {
            shutdownScheduler();
            throw new io.switchboard.api.ConfigurationException("cannot create the Kafka producer for " + config
                    + ": " + e.getMessage(), e);
        }
        this.topics = new Topics(config.createTopics(), config.topicPartitions(), config.replicationFactor(),
                () -> config.adminConfig(clientId + "-admin"));
    }

    /** A bus on the cluster {@code config} names. Connects lazily; the producer's thread starts at once. */
    public static KafkaEventBus create(KafkaBusConfig config) {
        return new KafkaEventBus(Objects.requireNonNull(config, "config"));
    }

    /** The settings this bus was created with. */
    public KafkaBusConfig config() {
        return config;
    }

    @Override
    public String type() {
        return "kafka";
    }

    /**
     * All of them: durable, redelivery, ordered per key, consumer groups, poison detection, held acknowledgement
     * (a held event keeps its partition's committed offset below it until released).
     */
    @Override
    public Set<BusCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public CompletionStage<Void> publish(String topic, CloudEvent event) {
        Objects.requireNonNull(event, "event");
        return publishKeyed(topic, event, PartitionKeys.of(event));
    }

    /**
     * Publishes under an explicit partition key: the record key is {@code partitionKey} (so the key's partition, and
     * with it the consuming member, follows it), and the event's own attributes travel unchanged.
     */
    @Override
    public CompletionStage<Void> publish(String topic, CloudEvent event, String partitionKey) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(partitionKey, "partitionKey");
        return publishKeyed(topic, event, partitionKey);
    }

    private CompletionStage<Void> publishKeyed(String topic, CloudEvent event, String recordKey) {
        String kafkaTopic = kafkaTopic(topic);
        if (closed) {
            return CompletableFuture.failedFuture(new PublishRejectedException("cannot publish event '" + event.getId()
                    + "' to topic '" + topic + "': the Kafka event bus is closed"));
        }
        CompletableFuture<Void> ready = topics.ensure(kafkaTopic);
        if (ready.isDone() && !ready.isCompletedExceptionally()) {
            return send(topic, kafkaTopic, recordKey, event);
        }
        return ready.handle((ignored, error) -> error).thenCompose(error -> {
            if (error != null) {
                return CompletableFuture.failedFuture(new PublishRejectedException("cannot publish event '"
                        + event.getId() + "' to topic '" + topic + "': creating Kafka topic '" + kafkaTopic + "' failed: "
                        + Lanes.unwrap(error) + " (create it yourself and set createTopics(false), or grant the"
                        + " CREATE permission)", Lanes.unwrap(error)));
            }
            return send(topic, kafkaTopic, recordKey, event);
        });
    }

    private CompletableFuture<Void> send(String topic, String kafkaTopic, String recordKey, CloudEvent event) {
        Acknowledgement acknowledged = new Acknowledgement(topic, kafkaTopic, event);
        try {
            producer.send(new ProducerRecord<>(kafkaTopic, recordKey, event), acknowledged);
        } catch (RuntimeException e) {
            acknowledged.completeExceptionally(rejected(topic, kafkaTopic, event, e));
        }
        return acknowledged;
    }

    /**
     * The publisher's stage and the producer's callback in one object: one allocation per publish besides the
     * record. The stage completes on the producer's I/O thread.
     */
    private static final class Acknowledgement extends CompletableFuture<Void> implements Callback {
        private final String topic;
        private final String kafkaTopic;
        private final CloudEvent event;

        Acknowledgement(String topic, String kafkaTopic, CloudEvent event) {
            this.topic = topic;
            this.kafkaTopic = kafkaTopic;
            this.event = event;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception error) {
            if (error == null) {
                complete(null);
            } else {
                completeExceptionally(rejected(topic, kafkaTopic, event, error));
            }
        }
    }

    private static PublishRejectedException rejected(String topic, String kafkaTopic, CloudEvent event, Throwable error) {
        return new PublishRejectedException("Kafka did not acknowledge event '" + event.getId() + "' on topic '" + topic
                + "' (Kafka topic '" + kafkaTopic + "'): " + error + "; the event was not stored, publish it again",
                error);
    }

    @Override
    public Subscription subscribe(String topic, String group, BusConsumer consumer) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(consumer, "consumer");
        if (group.isBlank()) {
            throw new IllegalArgumentException("consumer group name is empty; give each trigger input a group name");
        }
        String kafkaTopic = kafkaTopic(topic);
        if (closed) {
            throw new IllegalStateException("cannot subscribe to topic '" + topic + "': the Kafka event bus is closed");
        }
        awaitTopic(kafkaTopic);
        String name = clientId + "-" + group + "-" + subscriptionCount.incrementAndGet();
        Optional<DuplicateFilter> duplicates = config.duplicatesWindow()
                .map(window -> new DuplicateFilter(scheduler, window, config.duplicatesCapacity()));
        BusWorkHandler handler = new BusWorkHandler(topic, consumer, duplicates.orElse(null),
                this::sendToDeadLetter);
        ConsumerLoop.Settings settings = new ConsumerLoop.Settings(config.concurrency(), config.maxInFlight(),
                Duration.ofMillis(100), config.revokeTimeout(), config.closeTimeout(), config.initialBackoff(),
                config.maxBackoff(), scheduler, config.maxHeldPerPartition());
        ConsumerLoop loop = new ConsumerLoop(name, config.consumerConfig(group, name), List.of(kafkaTopic), null,
                ConsumerLoop.ONE_PER_RECORD, handler, settings);
        KafkaSubscription subscription = new KafkaSubscription(topic, group, loop, subscriptions::remove);
        subscriptions.add(subscription);
        loop.start();
        if (closed) { // close() raced with us: do not leave a running consumer behind
            subscription.close();
            throw new IllegalStateException("cannot subscribe to topic '" + topic + "': the Kafka event bus is closed");
        }
        return subscription;
    }

    private void awaitTopic(String kafkaTopic) {
        try {
            topics.ensure(kafkaTopic).get(config.closeTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // consumption starts anyway and picks the topic up once it exists
            log.warn("could not make sure Kafka topic '{}' exists: {}", kafkaTopic, String.valueOf(Lanes.unwrap(e)));
        }
    }

    private CompletionStage<Void> sendToDeadLetter(byte[] key, byte[] value, Headers headers) {
        String topic = config.deadLetterTopic();
        // a failed topic creation is not fatal here: the send reports the real problem if the topic is missing
        return topics.ensure(topic).handle((ignored, error) -> null).thenCompose(ignored -> {
            CompletableFuture<Void> sent = new CompletableFuture<>();
            try {
                deadLetterProducer().send(new ProducerRecord<>(topic, null, key, value, headers), (metadata, error) -> {
                    if (error == null) {
                        sent.complete(null);
                    } else {
                        sent.completeExceptionally(error);
                    }
                });
            } catch (RuntimeException e) {
                sent.completeExceptionally(e);
            }
            return sent;
        });
    }

    private Producer<byte[], byte[]> deadLetterProducer() {
        synchronized (deadLetterLock) {
            if (closed) {
                throw new IllegalStateException("the Kafka event bus is closed");
            }
            if (deadLetterProducer == null) {
                deadLetterProducer = new KafkaProducer<>(config.producerConfig(clientId + "-dead-letter"),
                        new ByteArraySerializer(), new ByteArraySerializer());
            }
            return deadLetterProducer;
        }
    }

    private String kafkaTopic(String topic) {
        Objects.requireNonNull(topic, "topic");
        String known = kafkaTopics.get(topic); // the hot path: each bus topic is named and checked once
        if (known != null) {
            return known;
        }
        String kafkaTopic = config.kafkaTopic(topic);
        if (!KAFKA_TOPIC.matcher(kafkaTopic).matches() || kafkaTopic.equals(".") || kafkaTopic.equals("..")) {
            throw new IllegalArgumentException("topic '" + topic + "' cannot be a Kafka topic ('" + kafkaTopic
                    + "'): use up to 249 characters in total (with the prefix), letters, digits, '.', '_' or '-'");
        }
        if (kafkaTopics.size() < 100_000) { // bounded: topic names come from configuration, but do not trust that
            kafkaTopics.put(topic, kafkaTopic);
        }
        return kafkaTopic;
    }

    /**
     * Open, and every subscription's consumer held a broker connection when its poll thread last looked (a bus
     * without subscriptions cannot tell and answers while open).
     */
    @Override
    public boolean connected() {
        if (closed) {
            return false;
        }
        for (KafkaSubscription subscription : subscriptions) {
            if (!subscription.connected()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Log-end offset minus the offset to be committed next, summed over the partitions of {@code topic} that this
     * bus's members of {@code group} are assigned, as their poll threads last sampled it; empty when no member of
     * the group is open here or one of them has no figure yet (not assigned, no fetch answer yet).
     */
    @Override
    public OptionalLong consumerLag(String topic, String group) {
        long total = 0;
        boolean any = false;
        for (KafkaSubscription subscription : subscriptions) {
            if (subscription.topic().equals(topic) && subscription.group().equals(group)) {
                long lag = subscription.lag();
                if (lag < 0) {
                    return OptionalLong.empty();
                }
                total += lag;
                any = true;
            }
        }
        return any && !closed ? OptionalLong.of(total) : OptionalLong.empty();
    }

    /** Live subscriptions, for tests. */
    Set<KafkaSubscription> subscriptions() {
        return Set.copyOf(subscriptions);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (KafkaSubscription subscription : List.copyOf(subscriptions)) {
            subscription.close();
        }
        producer.close(config.closeTimeout());
        synchronized (deadLetterLock) {
            if (deadLetterProducer != null) {
                deadLetterProducer.close(config.closeTimeout());
            }
        }
        topics.close();
        shutdownScheduler();
    }

    /**
     * Ends this bus the way a killed process ends: every subscription stops without committing, without waiting for
     * running handlers and without leaving its group (the group reassigns its partitions when the session times out,
     * and the new owner redelivers everything after the last commit; held events' {@code whenReturned} actions do not
     * run); the producers close without waiting for unsent records. Threads and sockets are released so the JVM goes
     * on. For tests ({@code KafkaCrash} in the test jar).
     */
    void crash() {
        if (closed) {
            return;
        }
        closed = true;
        for (KafkaSubscription subscription : List.copyOf(subscriptions)) {
            subscription.abort();
        }
        producer.close(Duration.ZERO);
        synchronized (deadLetterLock) {
            if (deadLetterProducer != null) {
                deadLetterProducer.close(Duration.ZERO);
            }
        }
        topics.close();
        shutdownScheduler();
    }

    private void shutdownScheduler() {
        if (ownedSchedulerThread != null) {
            ownedSchedulerThread.shutdownNow();
            try {
                ownedSchedulerThread.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaEventBus{" + clientId + ", " + config + "}";
    }
}
