package io.switchboard.kafka;

import io.cloudevents.core.message.Encoding;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.Scheduler;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Settings of a {@link KafkaEventBus}: where the cluster is, how bus topics map to Kafka topics, how events are
 * encoded on the wire, and how consumption is paced. Immutable and thread-safe; build one with {@link #builder()}
 * or from text with {@link #fromMap(Map)}.
 *
 * <p>Any Kafka client property (security, timeouts, batching, …) passes through unchanged via
 * {@link Builder#clientProperty}, {@link Builder#producerProperty} and {@link Builder#consumerProperty}, except the
 * few the bus's guarantees depend on: {@code enable.auto.commit} (always {@code false}), {@code acks}
 * (always {@code all}), {@code enable.idempotence} (always {@code true}) and the (de)serializers.
 */
public final class KafkaBusConfig {

    /** Text keys understood by {@link #fromMap(Map)}, besides Kafka's own properties. */
    public static final String TOPIC_PREFIX = "switchboard.topic.prefix";
    public static final String TOPIC_PARTITIONS = "switchboard.topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "switchboard.topic.replication.factor";
    public static final String TOPIC_CREATE = "switchboard.topic.create";
    public static final String ENCODING = "switchboard.encoding";
    public static final String CONCURRENCY = "switchboard.concurrency";
    public static final String MAX_IN_FLIGHT = "switchboard.max.in.flight";
    public static final String MAX_HELD_PER_PARTITION = "switchboard.max.held.per.partition";
    public static final String REDELIVERY_INITIAL_BACKOFF = "switchboard.redelivery.initial.backoff";
    public static final String REDELIVERY_MAX_BACKOFF = "switchboard.redelivery.max.backoff";
    public static final String DUPLICATES_WINDOW = "switchboard.duplicates.window";
    public static final String DUPLICATES_CAPACITY = "switchboard.duplicates.capacity";
    public static final String DEAD_LETTER_TOPIC = "switchboard.dead.letter.topic";
    public static final String REVOKE_TIMEOUT = "switchboard.revoke.timeout";
    public static final String CLOSE_TIMEOUT = "switchboard.close.timeout";
    /** Prefix of keys that go to the producer only ({@code producer.linger.ms}). */
    public static final String PRODUCER_PREFIX = "producer.";
    /** Prefix of keys that go to the consumers only ({@code consumer.max.poll.records}). */
    public static final String CONSUMER_PREFIX = "consumer.";

    private static final Set<String> OWN_KEYS = Set.of(TOPIC_PREFIX, TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR,
            TOPIC_CREATE, ENCODING, CONCURRENCY, MAX_IN_FLIGHT, MAX_HELD_PER_PARTITION, REDELIVERY_INITIAL_BACKOFF, REDELIVERY_MAX_BACKOFF,
            DUPLICATES_WINDOW, DUPLICATES_CAPACITY, DEAD_LETTER_TOPIC, REVOKE_TIMEOUT, CLOSE_TIMEOUT);

    private final String bootstrapServers;
    private final String topicPrefix;
    private final int partitions;
    private final short replicationFactor;
    private final boolean createTopics;
    private final Encoding encoding;
    private final int concurrency;
    private final int maxInFlight;
    private final int maxHeldPerPartition;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration duplicatesWindow;
    private final int duplicatesCapacity;
    private final String deadLetterTopic;
    private final Duration revokeTimeout;
    private final Duration closeTimeout;
    private final Map<String, Object> clientProperties;
    private final Map<String, Object> producerProperties;
    private final Map<String, Object> consumerProperties;
    private final Scheduler scheduler;

    private KafkaBusConfig(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.topicPrefix = b.topicPrefix;
        this.partitions = b.partitions;
        this.replicationFactor = b.replicationFactor;
        this.createTopics = b.createTopics;
        this.encoding = b.encoding;
        this.concurrency = b.concurrency;
        this.maxInFlight = b.maxInFlight;
        this.maxHeldPerPartition = b.maxHeldPerPartition;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.duplicatesWindow = b.duplicatesWindow;
        this.duplicatesCapacity = b.duplicatesCapacity;
        this.deadLetterTopic = b.deadLetterTopic;
        this.revokeTimeout = b.revokeTimeout;
        this.closeTimeout = b.closeTimeout;
        this.clientProperties = Map.copyOf(b.clientProperties);
        this.producerProperties = Map.copyOf(b.producerProperties);
        this.consumerProperties = Map.copyOf(b.consumerProperties);
        this.scheduler = b.scheduler;
    }

    /** A builder with the defaults documented on each setter. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads settings from text, as given to {@link KafkaEventBusProvider}: {@code bootstrap.servers} (required), the
     * {@code switchboard.*} keys declared on this class, {@code producer.*} / {@code consumer.*} keys for one client,
     * and every other key as a property of both clients. Durations are ISO-8601 ({@code PT5S}) or milliseconds.
     *
     * @throws ConfigurationException naming the key whose value is invalid
     */
    public static KafkaBusConfig fromMap(Map<String, String> config) {
        Objects.requireNonNull(config, "config");
        Builder b = builder();
        for (Map.Entry<String, String> e : config.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            switch (key) {
                case CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG -> b.bootstrapServers(value);
                case TOPIC_PREFIX -> b.topicPrefix(value);
                case TOPIC_PARTITIONS -> b.topicPartitions(Texts.integer(key, value));
                case TOPIC_REPLICATION_FACTOR -> b.replicationFactor((short) Texts.integer(key, value));
                case TOPIC_CREATE -> b.createTopics(Texts.bool(key, value));
                case ENCODING -> b.encoding(Texts.encoding(key, value));
                case CONCURRENCY -> b.concurrency(Texts.integer(key, value));
                case MAX_IN_FLIGHT -> b.maxInFlight(Texts.integer(key, value));
                case MAX_HELD_PER_PARTITION -> b.maxHeldPerPartition(Texts.integer(key, value));
                case REDELIVERY_INITIAL_BACKOFF -> b.initialBackoff = Texts.duration(key, value);
                case REDELIVERY_MAX_BACKOFF -> b.maxBackoff = Texts.duration(key, value);
                case DUPLICATES_WINDOW -> b.duplicatesWindow = Texts.duration(key, value);
                case DUPLICATES_CAPACITY -> b.duplicatesCapacity = Texts.integer(key, value);
                case DEAD_LETTER_TOPIC -> b.deadLetterTopic(value);
                case REVOKE_TIMEOUT -> b.revokeTimeout(Texts.duration(key, value));
                case CLOSE_TIMEOUT -> b.closeTimeout(Texts.duration(key, value));
                default -> {
                    if (key.startsWith("switchboard.")) {
                        throw new ConfigurationException("unknown Kafka bus setting '" + key + "'; known settings: "
                                + new java.util.TreeSet<>(OWN_KEYS));
                    } else if (key.startsWith(PRODUCER_PREFIX)) {
                        b.producerProperty(key.substring(PRODUCER_PREFIX.length()), value);
                    } else if (key.startsWith(CONSUMER_PREFIX)) {
                        b.consumerProperty(key.substring(CONSUMER_PREFIX.length()), value);
                    } else {
                        b.clientProperty(key, value);
                    }
                }
            }
        }
        if (b.duplicatesWindow != null) {
            b.suppressDuplicates(b.duplicatesWindow, b.duplicatesCapacity);
        }
        b.redeliveryBackoff(b.initialBackoff, b.maxBackoff);
        return b.build();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The Kafka topic that carries bus topic {@code topic}: the prefix followed by the bus topic. */
    public String kafkaTopic(String topic) {
        return topicPrefix + topic;
    }

    public String topicPrefix() {
        return topicPrefix;
    }

    public int topicPartitions() {
        return partitions;
    }

    /** The replication factor of created topics; -1 means the broker's {@code default.replication.factor}. */
    public short replicationFactor() {
        return replicationFactor;
    }

    public boolean createTopics() {
        return createTopics;
    }

    public Encoding encoding() {
        return encoding;
    }

    public int concurrency() {
        return concurrency;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /** Events held past their turn per partition at which the partition pauses; see the builder. */
    public int maxHeldPerPartition() {
        return maxHeldPerPartition;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The duplicate-suppression window, if enabled. */
    public Optional<Duration> duplicatesWindow() {
        return Optional.ofNullable(duplicatesWindow);
    }

    public int duplicatesCapacity() {
        return duplicatesCapacity;
    }

    /**
     * The Kafka topic undecodable records go to when the consumer's {@code poison} fails: the one set, else the
     * prefix followed by {@code dead-letter}.
     */
    public String deadLetterTopic() {
        return deadLetterTopic != null ? deadLetterTopic : topicPrefix + "dead-letter";
    }

    public Duration revokeTimeout() {
        return revokeTimeout;
    }

    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** The scheduler for redelivery backoff and the duplicate window, if one was given (else the bus owns one). */
    public Optional<Scheduler> scheduler() {
        return Optional.ofNullable(scheduler);
    }

    /** The properties of the bus's producer, including the ones the bus fixes. */
    Map<String, Object> producerConfig(String clientId) {
        Map<String, Object> p = new LinkedHashMap<>(clientProperties);
        p.putAll(producerProperties);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return p;
    }

    /** The properties of one subscription's consumer, including the ones the bus fixes. */
    Map<String, Object> consumerConfig(String group, String clientId) {
        Map<String, Object> p = new LinkedHashMap<>(clientProperties);
        p.putAll(consumerProperties);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return ClientDefaults.consumer(p);
    }

    /** The properties of the bus's admin client (topic creation). */
    Map<String, Object> adminConfig(String clientId) {
        Map<String, Object> p = new LinkedHashMap<>(clientProperties);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return ClientDefaults.admin(p);
    }

    @Override
    public String toString() {
        return "KafkaBusConfig{bootstrapServers=" + bootstrapServers + ", topicPrefix='" + topicPrefix + "', partitions="
                + partitions + ", encoding=" + encoding + ", concurrency=" + concurrency + ", maxInFlight=" + maxInFlight
                + ", duplicatesWindow=" + duplicatesWindow + ", deadLetterTopic=" + deadLetterTopic + "}";
    }

    /** Builds a {@link KafkaBusConfig}; each setter checks its argument, {@link #build()} checks the whole. Not thread-safe. */
    public static final class Builder {
        private String bootstrapServers;
        private String topicPrefix = "switchboard.";
        private int partitions = 6;
        private short replicationFactor = -1;
        private boolean createTopics = true;
        private Encoding encoding = Encoding.BINARY;
        private int concurrency = 16;
        private int maxInFlight = 10_000;
        private int maxHeldPerPartition = 10_000;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private Duration duplicatesWindow;
        private int duplicatesCapacity = 100_000;
        private String deadLetterTopic;
        private Duration revokeTimeout = Duration.ofSeconds(2);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private final Map<String, Object> clientProperties = new LinkedHashMap<>();
        private final Map<String, Object> producerProperties = new LinkedHashMap<>();
        private final Map<String, Object> consumerProperties = new LinkedHashMap<>();
        private Scheduler scheduler;

        private Builder() {
        }

        /** The cluster to connect to, {@code host:port[,host:port…]}. Required. */
        public Builder bootstrapServers(String bootstrapServers) {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new ConfigurationException("Kafka bus bootstrap.servers is empty; give the cluster as host:port[,host:port...]");
            }
            this.bootstrapServers = bootstrapServers.trim();
            return this;
        }

        /** Prepended to every bus topic to name its Kafka topic; default {@code switchboard.}; may be empty. */
        public Builder topicPrefix(String topicPrefix) {
            Objects.requireNonNull(topicPrefix, "topicPrefix");
            if (!topicPrefix.isEmpty() && !topicPrefix.matches("[A-Za-z0-9._\\-]{1,200}")) {
                throw new ConfigurationException("Kafka topic prefix '" + topicPrefix + "' is invalid: Kafka topic names"
                        + " allow only letters, digits, '.', '_' and '-'");
            }
            this.topicPrefix = topicPrefix;
            return this;
        }

        /** Partitions of the topics the bus creates (the most members a group can spread over); default 6. */
        public Builder topicPartitions(int partitions) {
            if (partitions < 1) {
                throw new ConfigurationException("Kafka bus topic partitions must be at least 1, got " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /** Replication factor of the topics the bus creates; default -1, the broker's default. */
        public Builder replicationFactor(short replicationFactor) {
            if (replicationFactor < 1 && replicationFactor != -1) {
                throw new ConfigurationException("Kafka bus replication factor must be at least 1 (or -1 for the"
                        + " broker's default), got " + replicationFactor);
            }
            this.replicationFactor = replicationFactor;
            return this;
        }

        /** Whether the bus creates missing topics (with the partitions and replication factor set here); default true. */
        public Builder createTopics(boolean createTopics) {
            this.createTopics = createTopics;
            return this;
        }

        /**
         * The CloudEvents Kafka protocol binding mode: {@link Encoding#BINARY} (default: attributes in {@code ce_}
         * headers, data as the value) or {@link Encoding#STRUCTURED} (the whole event as JSON in the value).
         * Consumers read both regardless.
         */
        public Builder encoding(Encoding encoding) {
            this.encoding = Objects.requireNonNull(encoding, "encoding");
            return this;
        }

        /** Lanes (and handler threads) per subscription: how many keys are handled at once; default 16. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1024) {
                throw new ConfigurationException("Kafka bus concurrency must be between 1 and 1024, got " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** Unacknowledged events per subscription beyond which its partitions are paused; default 10000. */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1) {
                throw new ConfigurationException("Kafka bus max in flight must be at least 1, got " + maxInFlight);
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /**
         * Events that consumers hold past their turn ({@link io.switchboard.api.Acknowledgement#hold()}) per assigned
         * partition at which the bus pauses that partition, until half of them are released; default 10000. Held
         * events do not count against {@link #maxInFlight(int)} (a holder waiting for a partner that sits behind a
         * full in-flight window would wait forever); they keep the partition's committed offset below the oldest
         * held one, so this bound also caps what a restart replays of that partition.
         */
        public Builder maxHeldPerPartition(int maxHeldPerPartition) {
            if (maxHeldPerPartition < 1) {
                throw new ConfigurationException("Kafka bus max held per partition must be at least 1, got "
                        + maxHeldPerPartition + "; set " + MAX_HELD_PER_PARTITION + " to a positive number");
            }
            this.maxHeldPerPartition = maxHeldPerPartition;
            return this;
        }

        /**
         * Backoff before redelivering an event whose consumer stage failed: doubles from {@code initial} up to
         * {@code max}; default 100 ms to 10 s. The event is retried until it succeeds — never skipped — and later
         * events of its key wait for it.
         */
        public Builder redeliveryBackoff(Duration initial, Duration max) {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(max, "max");
            if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new ConfigurationException("Kafka bus redelivery backoff must satisfy 0 < initial <= max, got "
                        + initial + " and " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * Acknowledges, without handling, an event (same {@code source} and {@code id}) that this subscription already
         * handled within {@code window} on the scheduler's clock, remembering at most {@code capacity} ids. Off by
         * default. Suppresses redeliveries that reach the same instance (after a retried commit, a rebalance that
         * returned the partition, a producer retry); it cannot see events handled by other instances.
         */
        public Builder suppressDuplicates(Duration window, int capacity) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero()) {
                throw new ConfigurationException("Kafka bus duplicate window must be positive, got " + window);
            }
            if (capacity < 1) {
                throw new ConfigurationException("Kafka bus duplicate capacity must be at least 1, got " + capacity);
            }
            this.duplicatesWindow = window;
            this.duplicatesCapacity = capacity;
            return this;
        }

        /**
         * The Kafka topic (full name, no prefix added) that receives undecodable records when the consumer's
         * {@code poison(...)} fails — the bus's own dead-letter rule: the record unchanged, plus headers
         * {@code switchboard_poison_reason} and {@code switchboard_poison_location}; it is acknowledged once the broker
         * stored the copy (forwarding is retried with backoff until it is). Default: the prefix followed by
         * {@code dead-letter}.
         */
        public Builder deadLetterTopic(String topic) {
            if (topic == null || !topic.matches("[A-Za-z0-9._\\-]{1,249}")) {
                throw new ConfigurationException("Kafka dead-letter topic '" + topic + "' is invalid: use 1 to 249"
                        + " letters, digits, '.', '_' or '-'");
            }
            this.deadLetterTopic = topic;
            return this;
        }

        /**
         * How long a rebalance (or a close) waits for the running handlers of revoked partitions before it commits
         * what settled and abandons the rest to the next owner; default 2 s. Longer keeps a key on one member while
         * a slow handler finishes (no overlap, no duplicate) at the cost of a longer pause for the whole group;
         * keep it well below {@code max.poll.interval.ms}. Held events do not wait: they go back to the group.
         */
        public Builder revokeTimeout(Duration timeout) {
            this.revokeTimeout = positive("revoke timeout", timeout);
            return this;
        }

        /** How long closing waits for running handlers and the clients; default 5 s. */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive("close timeout", timeout);
            return this;
        }

        /** A property for the producer, the consumers and the admin client (security, timeouts, …). */
        public Builder clientProperty(String key, Object value) {
            clientProperties.put(checkedKey(key), Objects.requireNonNull(value, key));
            return this;
        }

        /** A property for the producer only (batching, compression, …). */
        public Builder producerProperty(String key, Object value) {
            producerProperties.put(checkedKey(key), Objects.requireNonNull(value, key));
            return this;
        }

        /** A property for the consumers only ({@code max.poll.records}, {@code session.timeout.ms}, …). */
        public Builder consumerProperty(String key, Object value) {
            consumerProperties.put(checkedKey(key), Objects.requireNonNull(value, key));
            return this;
        }

        /** The scheduler for redelivery backoff and the duplicate window; default: one the bus owns and stops. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Checks the whole and builds; the builder can be reused. */
        public KafkaBusConfig build() {
            if (bootstrapServers == null) {
                throw new ConfigurationException("Kafka bus needs bootstrap.servers: call bootstrapServers(\"host:port\")"
                        + " or set 'bootstrap.servers'");
            }
            checkFixed(clientProperties, "client");
            checkFixed(producerProperties, "producer");
            checkFixed(consumerProperties, "consumer");
            return new KafkaBusConfig(this);
        }

        private static String checkedKey(String key) {
            if (key == null || key.isBlank()) {
                throw new ConfigurationException("Kafka client property key is empty");
            }
            return key;
        }

        private static Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new ConfigurationException("Kafka bus " + what + " must be positive, got " + d);
            }
            return d;
        }

        private static void checkFixed(Map<String, Object> properties, String client) {
            check(properties, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", client,
                    "the bus commits offsets itself, after events were handled");
            check(properties, ProducerConfig.ACKS_CONFIG, "all", client,
                    "publish completes only when every in-sync replica has the event");
            check(properties, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true", client,
                    "producer retries must not duplicate or reorder events");
            for (String key : Set.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG)) {
                if (properties.containsKey(key)) {
                    throw new ConfigurationException("Kafka " + client + " property '" + key + "' cannot be set: the bus"
                            + " encodes events with the CloudEvents Kafka binding; choose binary or structured with encoding(...)");
                }
            }
        }

        private static void check(Map<String, Object> properties, String key, String required, String client, String why) {
            Object value = properties.get(key);
            if (value != null && !String.valueOf(value).equalsIgnoreCase(required)
                    && !(key.equals(ProducerConfig.ACKS_CONFIG) && "-1".equals(String.valueOf(value)))) {
                throw new ConfigurationException("Kafka " + client + " property '" + key + "=" + value + "' conflicts with"
                        + " the bus's guarantees (" + why + "); remove it, the bus sets " + key + "=" + required);
            }
        }
    }

    /** Parsing of text settings, with messages that name the key. */
    static final class Texts {
        private Texts() {
        }

        static int integer(String key, String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (RuntimeException e) {
                throw new ConfigurationException("'" + key + "' must be an integer, got '" + value + "'");
            }
        }

        static boolean bool(String key, String value) {
            String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new ConfigurationException("'" + key + "' must be true or false, got '" + value + "'");
            }
            return v.equals("true");
        }

        static Encoding encoding(String key, String value) {
            try {
                return Encoding.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (RuntimeException e) {
                throw new ConfigurationException("'" + key + "' must be binary or structured, got '" + value + "'");
            }
        }

        static Duration duration(String key, String value) {
            String v = value == null ? "" : value.trim();
            try {
                return v.chars().allMatch(Character::isDigit) && !v.isEmpty()
                        ? Duration.ofMillis(Long.parseLong(v)) : Duration.parse(v);
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new ConfigurationException("'" + key + "' must be a duration in ISO-8601 (PT5S) or milliseconds,"
                        + " got '" + value + "'");
            }
        }
    }
}
