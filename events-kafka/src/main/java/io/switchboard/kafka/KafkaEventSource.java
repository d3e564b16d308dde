package io.switchboard.kafka;

import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventSource;
import io.switchboard.api.SourceContext;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An {@link EventSource} that consumes Kafka topics (by name or by pattern) of any cluster, as a member of a
 * consumer group, and emits their records as CloudEvents:
 * <ul>
 *   <li>a record that is a CloudEvent in the Kafka protocol binding (binary or structured mode) is emitted unchanged;</li>
 *   <li>any other record becomes an event of type {@value #RECORD_TYPE} (configurable) with id
 *       {@code topic-partition-offset}, source {@code kafka:<topic>}, time = record timestamp, subject = key (when
 *       UTF-8), data = the value bytes (content type from a {@code content-type} header, if any), and extensions
 *       {@value #TOPIC_EXTENSION}, {@value #PARTITION_EXTENSION} (Integer), {@value #OFFSET_EXTENSION} (decimal
 *       String: offsets exceed the CloudEvents Integer range) and {@value #KEY_EXTENSION} (String when UTF-8, else
 *       Binary);</li>
 *   <li>with {@link Builder#batchSize(int)} above 1, up to that many consecutive records of one partition become one
 *       event of type {@value #BATCH_TYPE} whose data ({@code application/json}) is an array of
 *       {@code {topic, partition, offset, timestamp, key, value, headers}} with key, value and header values in base64.</li>
 * </ul>
 * Delivery is at-least-once: offsets are committed only past events whose {@link SourceContext#emit} stage completed
 * normally; a failed emit is retried with backoff, never skipped. Records of one key are emitted in order. With
 * {@link Builder#suppressDuplicates} an event whose {@code source} + {@code id} was emitted within the window is
 * skipped (its offset committed), which absorbs a producer's retries and the re-reads after a rebalance or restart
 * of a member that had not committed yet (the memory is per member and in memory: records re-read by another member
 * or after this JVM restarts are not recognised).
 *
 * <p>{@code start} and {@code close} are called by the runtime, never concurrently.
 */
public final class KafkaEventSource implements EventSource {

    /** The type of events made from records that are not CloudEvents. */
    public static final String RECORD_TYPE = "io.switchboard.kafka.record";
    /** The type of batch events. */
    public static final String BATCH_TYPE = "io.switchboard.kafka.batch";
    public static final String TOPIC_EXTENSION = "kafkatopic";
    public static final String PARTITION_EXTENSION = "kafkapartition";
    public static final String OFFSET_EXTENSION = "kafkaoffset";
    public static final String KEY_EXTENSION = "kafkakey";

    /** Text keys understood by {@link #fromMap}, besides Kafka consumer properties. */
    public static final String TOPICS = "switchboard.topics";
    public static final String TOPIC_PATTERN = "switchboard.topic.pattern";
    public static final String BATCH_SIZE = "switchboard.batch.size";
    public static final String RECORD_TYPE_KEY = "switchboard.record.type";
    public static final String CONCURRENCY = "switchboard.concurrency";
    public static final String MAX_IN_FLIGHT = "switchboard.max.in.flight";
    /** Enables duplicate suppression with this window (ISO-8601 such as {@code PT10M}, or milliseconds). */
    public static final String DUPLICATES_WINDOW = "switchboard.duplicates.window";
    /** The most event identities duplicate suppression remembers; default 100000. */
    public static final String DUPLICATES_CAPACITY = "switchboard.duplicates.capacity";
    /** How long a revoked partition's emits under way may finish before the rebalance goes on; default PT2S. */
    public static final String REVOKE_TIMEOUT = "switchboard.revoke.timeout";
    private static final List<String> OWN_KEYS = List.of(TOPICS, TOPIC_PATTERN, BATCH_SIZE, RECORD_TYPE_KEY, CONCURRENCY,
            MAX_IN_FLIGHT, DUPLICATES_WINDOW, DUPLICATES_CAPACITY, REVOKE_TIMEOUT);

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final String name;
    private final Map<String, Object> consumerConfig;
    private final List<String> topics;
    private final Pattern pattern;
    private final int batchSize;
    private final SourceRecords mapping;
    private final int concurrency;
    private final int maxInFlight;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration closeTimeout;
    private final Duration revokeTimeout;
    private final Duration duplicatesWindow;
    private final int duplicatesCapacity;
    private final LongAdder duplicatesSuppressed = new LongAdder();
    private ConsumerLoop loop;

    private KafkaEventSource(Builder b) {
        this.name = b.name;
        this.topics = List.copyOf(b.topics);
        this.pattern = b.pattern;
        this.batchSize = b.batchSize;
        this.mapping = new SourceRecords(b.recordType, BATCH_TYPE);
        this.concurrency = b.concurrency;
        this.maxInFlight = b.maxInFlight;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.closeTimeout = b.closeTimeout;
        this.revokeTimeout = b.revokeTimeout;
        this.duplicatesWindow = b.duplicatesWindow;
        this.duplicatesCapacity = b.duplicatesCapacity;
        Map<String, Object> p = new LinkedHashMap<>(b.properties);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        p.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, "switchboard-source-" + name);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumerConfig = ClientDefaults.consumer(p);
    }

    /** A builder for a source called {@code name} (also its default bus topic). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A source from text settings, as given to {@link KafkaEventSourceProvider}: {@code bootstrap.servers} (required),
     * {@value #TOPICS} (comma-separated) or {@value #TOPIC_PATTERN}, {@value #BATCH_SIZE}, {@value #RECORD_TYPE_KEY},
     * {@value #CONCURRENCY}, {@value #MAX_IN_FLIGHT}, {@value #DUPLICATES_WINDOW}, {@value #DUPLICATES_CAPACITY},
     * {@value #REVOKE_TIMEOUT}; every other key is a Kafka consumer property
     * (e.g. {@code group.id}, default {@code switchboard-source-<name>}).
     *
     * @throws ConfigurationException naming the key whose value is invalid
     */
    public static KafkaEventSource fromMap(String name, Map<String, String> config) {
        Objects.requireNonNull(config, "config");
        Builder b = builder(name);
        Duration duplicatesWindow = null;
        Integer duplicatesCapacity = null;
        for (Map.Entry<String, String> e : config.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            switch (key) {
                case CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG -> b.bootstrapServers(value);
                case TOPICS -> b.topics(value.split("\\s*,\\s*"));
                case TOPIC_PATTERN -> {
                    try {
                        b.topicPattern(Pattern.compile(value));
                    } catch (PatternSyntaxException ex) {
                        throw new ConfigurationException("'" + TOPIC_PATTERN + "' is not a valid regular expression: "
                                + ex.getDescription() + " in '" + value + "'");
                    }
                }
                case BATCH_SIZE -> b.batchSize(KafkaBusConfig.Texts.integer(key, value));
                case RECORD_TYPE_KEY -> b.recordType(value);
                case CONCURRENCY -> b.concurrency(KafkaBusConfig.Texts.integer(key, value));
                case MAX_IN_FLIGHT -> b.maxInFlight(KafkaBusConfig.Texts.integer(key, value));
                case DUPLICATES_WINDOW -> duplicatesWindow = KafkaBusConfig.Texts.duration(key, value);
                case DUPLICATES_CAPACITY -> duplicatesCapacity = KafkaBusConfig.Texts.integer(key, value);
                case REVOKE_TIMEOUT -> b.revokeTimeout(KafkaBusConfig.Texts.duration(key, value));
                default -> {
                    if (key.startsWith("switchboard.")) {
                        throw new ConfigurationException("unknown Kafka source setting '" + key + "'; known: " + OWN_KEYS);
                    }
                    b.property(key, value);
                }
            }
        }
        if (duplicatesCapacity != null && duplicatesWindow == null) {
            throw new ConfigurationException("Kafka source '" + name + "': " + DUPLICATES_CAPACITY + " is set but "
                    + DUPLICATES_WINDOW + " is not; set the window (e.g. PT10M) to turn duplicate suppression on");
        }
        if (duplicatesWindow != null) {
            b.suppressDuplicates(duplicatesWindow, duplicatesCapacity != null ? duplicatesCapacity : b.duplicatesCapacity);
        }
        return b.build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(SourceContext context) {
        Objects.requireNonNull(context, "context");
        if (loop != null) {
            throw new IllegalStateException("Kafka source '" + name + "' is already started");
        }
        String clientId = "switchboard-source-" + name + "-" + INSTANCES.incrementAndGet();
        Map<String, Object> config = new LinkedHashMap<>(consumerConfig);
        config.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        ConsumerLoop.Settings settings = new ConsumerLoop.Settings(concurrency, maxInFlight, Duration.ofMillis(100),
                revokeTimeout, closeTimeout, initialBackoff, maxBackoff, context.scheduler());
        DuplicateFilter duplicates = duplicatesWindow == null ? null
                : new DuplicateFilter(context.scheduler(), duplicatesWindow, duplicatesCapacity);
        WorkHandler emit = work -> {
            io.cloudevents.CloudEvent event = work.decoded != null ? (io.cloudevents.CloudEvent) work.decoded : remember(work);
            if (duplicates == null) {
                return context.emit(event);
            }
            if (duplicates.alreadyHandled(event)) {
                duplicatesSuppressed.increment();
                return CompletableFuture.completedFuture(null); // settled: its offset is committed like an emitted one
            }
            // remembered only once accepted: a failed emit is retried and must not meet itself as a duplicate
            return context.emit(event).thenRun(() -> duplicates.handled(event));
        };
        loop = new ConsumerLoop(clientId, config, topics, pattern, batchSize > 1 ? this::batches : ConsumerLoop.ONE_PER_RECORD,
                emit, settings).start();
    }

    private io.cloudevents.CloudEvent remember(Work work) {
        io.cloudevents.CloudEvent event = work.records.size() == 1 && batchSize <= 1
                ? mapping.single(work.first()) : mapping.batch(work.records);
        work.decoded = event;
        return event;
    }

    private void batches(PartitionProgress partition, List<ConsumerRecord<byte[], byte[]>> records,
                         AtomicInteger inFlight, Consumer<Work> out) {
        byte[] samePartition = new byte[0]; // batches of a partition go to one lane, so they stay in order
        for (int from = 0; from < records.size(); from += batchSize) {
            List<ConsumerRecord<byte[], byte[]>> chunk = new ArrayList<>(
                    records.subList(from, Math.min(records.size(), from + batchSize)));
            out.accept(new Work(partition, chunk, samePartition, inFlight));
        }
    }

    /** Events skipped as duplicates since this source was built (0 unless {@link Builder#suppressDuplicates} is set). */
    public long duplicatesSuppressed() {
        return duplicatesSuppressed.sum();
    }

    /** The revoke timeout in effect (for tests of the configuration). */
    Duration revokeTimeout() {
        return revokeTimeout;
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
            loop = null;
        }
    }

    @Override
    public String toString() {
        return "KafkaEventSource{" + name + ", topics=" + (pattern != null ? pattern : topics) + ", batchSize=" + batchSize
                + (duplicatesWindow != null ? ", duplicatesWindow=" + duplicatesWindow : "") + "}";
    }

    /** Builds a {@link KafkaEventSource}; setters check their argument, {@link #build()} the whole. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private String bootstrapServers;
        private final List<String> topics = new ArrayList<>();
        private Pattern pattern;
        private int batchSize = 1;
        private String recordType = RECORD_TYPE;
        private int concurrency = 16;
        private int maxInFlight = 2000;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration revokeTimeout = Duration.ofSeconds(2);
        private Duration duplicatesWindow;
        private int duplicatesCapacity = 100_000;
        private final Map<String, Object> properties = new LinkedHashMap<>();

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new ConfigurationException("a Kafka source needs a name");
            }
            this.name = name;
        }

        /** The cluster, {@code host:port[,host:port…]}. Required. */
        public Builder bootstrapServers(String bootstrapServers) {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new ConfigurationException("Kafka source '" + name + "': bootstrap.servers is empty; give the"
                        + " cluster as host:port[,host:port...]");
            }
            this.bootstrapServers = bootstrapServers.trim();
            return this;
        }

        /** Topics to consume, by name. Either this or {@link #topicPattern}. */
        public Builder topics(String... topics) {
            for (String topic : topics) {
                if (topic == null || !topic.matches("[A-Za-z0-9._\\-]{1,249}")) {
                    throw new ConfigurationException("Kafka source '" + name + "': '" + topic + "' is not a Kafka topic"
                            + " name (1 to 249 letters, digits, '.', '_' or '-')");
                }
                this.topics.add(topic);
            }
            return this;
        }

        /** Consume every topic whose name matches, including topics created later. Either this or {@link #topics}. */
        public Builder topicPattern(Pattern pattern) {
            this.pattern = Objects.requireNonNull(pattern, "pattern");
            return this;
        }

        /** Up to this many consecutive records of a partition per event ({@value #BATCH_TYPE}); 1 (default) = one event per record. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new ConfigurationException("Kafka source '" + name + "': batch size must be at least 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** The CloudEvent type of records that are not CloudEvents; default {@value #RECORD_TYPE}. */
        public Builder recordType(String type) {
            if (type == null || type.isBlank()) {
                throw new ConfigurationException("Kafka source '" + name + "': record type is empty");
            }
            this.recordType = type;
            return this;
        }

        /** Keys emitted at once (lanes); default 16. Records of one key are always emitted in order. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1024) {
                throw new ConfigurationException("Kafka source '" + name + "': concurrency must be between 1 and 1024,"
                        + " got " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** Events emitted but not yet accepted beyond which the source pauses its partitions; default 2000. */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1) {
                throw new ConfigurationException("Kafka source '" + name + "': max in flight must be at least 1, got "
                        + maxInFlight);
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** Backoff between attempts to emit an event the runtime did not accept; default 100 ms doubling to 10 s. */
        public Builder retryBackoff(Duration initial, Duration max) {
            if (initial == null || max == null || initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new ConfigurationException("Kafka source '" + name + "': retry backoff must satisfy"
                        + " 0 < initial <= max, got " + initial + " and " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** How long closing waits for emits under way; default 5 s. */
        public Builder closeTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new ConfigurationException("Kafka source '" + name + "': close timeout must be positive, got " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * When partitions are revoked (a rebalance, a member leaving), how long their emits under way may finish
         * before the source lets the rebalance go on; what has not finished by then is emitted again by the new
         * owner (at-least-once). Default 2 s; keep it well below {@code max.poll.interval.ms}.
         */
        public Builder revokeTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new ConfigurationException("Kafka source '" + name + "': revoke timeout must be positive, got " + timeout);
            }
            this.revokeTimeout = timeout;
            return this;
        }

        /**
         * Skip an event whose {@code source} + {@code id} (the CloudEvents identity; for a wrapped record
         * {@code topic-partition-offset}) this source emitted within {@code window}, remembering at most
         * {@code capacity} identities (the oldest are forgotten first). Off by default. The memory is this member's
         * and in memory only; a skipped event's offset is committed like an emitted one.
         */
        public Builder suppressDuplicates(Duration window, int capacity) {
            if (window == null || window.isNegative() || window.isZero()) {
                throw new ConfigurationException("Kafka source '" + name + "': duplicate window must be positive, got " + window);
            }
            if (capacity < 1) {
                throw new ConfigurationException("Kafka source '" + name + "': duplicate capacity must be at least 1, got "
                        + capacity);
            }
            this.duplicatesWindow = window;
            this.duplicatesCapacity = capacity;
            return this;
        }

        /** Any Kafka consumer property ({@code group.id}, security, …). */
        public Builder property(String key, Object value) {
            if (key == null || key.isBlank()) {
                throw new ConfigurationException("Kafka source '" + name + "': a property key is empty");
            }
            if (key.equals(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG) && !"false".equalsIgnoreCase(String.valueOf(value))) {
                throw new ConfigurationException("Kafka source '" + name + "': enable.auto.commit=" + value + " would"
                        + " commit records before they were emitted; remove it, the source commits itself");
            }
            if (key.equals(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG) || key.equals(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG)) {
                throw new ConfigurationException("Kafka source '" + name + "': '" + key + "' cannot be set: the source"
                        + " reads raw bytes and decodes CloudEvents itself");
            }
            properties.put(key, Objects.requireNonNull(value, key));
            return this;
        }

        public KafkaEventSource build() {
            if (bootstrapServers == null) {
                throw new ConfigurationException("Kafka source '" + name + "' needs bootstrap.servers");
            }
            if (topics.isEmpty() == (pattern == null)) {
                throw new ConfigurationException("Kafka source '" + name + "' needs either topics(...) or"
                        + " topicPattern(...), not " + (pattern == null ? "neither" : "both"));
            }
            return new KafkaEventSource(this);
        }
    }
}
