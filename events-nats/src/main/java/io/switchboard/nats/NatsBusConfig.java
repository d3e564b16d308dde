package io.switchboard.nats;

import io.cloudevents.core.message.Encoding;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import io.switchboard.api.ConfigurationException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Settings of a {@link NatsEventBus}: which servers, which stream and subjects carry the bus, how events are encoded,
 * how consumers are paced and how partition ownership is leased. Immutable and thread-safe; build one with
 * {@link #builder()} or from text with {@link #fromMap(Map)}.
 *
 * <p>Any jnats connection option (credentials, TLS, timeouts, …) passes through as a property understood by
 * {@code io.nats.client.Options.Builder(Properties)} ({@code io.nats.client.*} keys) via {@link Builder#connectionProperty}.
 */
public final class NatsBusConfig {

    /** The NATS servers, comma-separated URLs ({@code nats://host:4222}). Required. */
    public static final String SERVERS = "servers";
    public static final String SUBJECT_PREFIX = "switchboard.subject.prefix";
    public static final String STREAM = "switchboard.stream";
    public static final String STREAM_CREATE = "switchboard.stream.create";
    public static final String STREAM_STORAGE = "switchboard.stream.storage";
    public static final String STREAM_REPLICAS = "switchboard.stream.replicas";
    public static final String STREAM_MAX_AGE = "switchboard.stream.max.age";
    public static final String STREAM_MAX_BYTES = "switchboard.stream.max.bytes";
    public static final String DUPLICATE_WINDOW = "switchboard.stream.duplicate.window";
    public static final String PARTITIONS = "switchboard.partitions";
    public static final String ENCODING = "switchboard.encoding";
    public static final String CONCURRENCY = "switchboard.concurrency";
    public static final String MAX_ACK_PENDING = "switchboard.max.ack.pending";
    public static final String ACK_WAIT = "switchboard.ack.wait";
    public static final String LEASE_TTL = "switchboard.lease.ttl";
    public static final String REDELIVERY_INITIAL_BACKOFF = "switchboard.redelivery.initial.backoff";
    public static final String REDELIVERY_MAX_BACKOFF = "switchboard.redelivery.max.backoff";
    public static final String DEAD_LETTER_SUBJECT = "switchboard.dead.letter.subject";
    public static final String REVOKE_TIMEOUT = "switchboard.revoke.timeout";
    public static final String CLOSE_TIMEOUT = "switchboard.close.timeout";

    private static final Set<String> OWN_KEYS = Set.of(SERVERS, SUBJECT_PREFIX, STREAM, STREAM_CREATE, STREAM_STORAGE,
            STREAM_REPLICAS, STREAM_MAX_AGE, STREAM_MAX_BYTES, DUPLICATE_WINDOW, PARTITIONS, ENCODING, CONCURRENCY,
            MAX_ACK_PENDING, ACK_WAIT, LEASE_TTL, REDELIVERY_INITIAL_BACKOFF, REDELIVERY_MAX_BACKOFF,
            DEAD_LETTER_SUBJECT, REVOKE_TIMEOUT, CLOSE_TIMEOUT);
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]+");
    /** Dot-separated subject tokens without wildcards: subject prefixes and bus topics. */
    static final Pattern DOTTED = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    private static final Pattern PREFIX = DOTTED;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,200}");

    private final List<String> servers;
    private final String subjectPrefix;
    private final String stream;
    private final boolean createStream;
    private final StorageType storage;
    private final int replicas;
    private final Duration maxAge;
    private final long maxBytes;
    private final Duration duplicateWindow;
    private final int partitions;
    private final Encoding encoding;
    private final int concurrency;
    private final int maxAckPending;
    private final Duration ackWait;
    private final Duration leaseTtl;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final String deadLetterSubject;
    private final Duration revokeTimeout;
    private final Duration closeTimeout;
    private final Map<String, String> connectionProperties;

    private NatsBusConfig(Builder b) {
        this.servers = List.copyOf(b.servers);
        this.subjectPrefix = b.subjectPrefix;
        this.stream = b.stream != null ? b.stream : b.subjectPrefix.replace('.', '_').toUpperCase(Locale.ROOT);
        this.createStream = b.createStream;
        this.storage = b.storage;
        this.replicas = b.replicas;
        this.maxAge = b.maxAge;
        this.maxBytes = b.maxBytes;
        this.duplicateWindow = b.duplicateWindow;
        this.partitions = b.partitions;
        this.encoding = b.encoding;
        this.concurrency = b.concurrency;
        this.maxAckPending = b.maxAckPending;
        this.ackWait = b.ackWait;
        this.leaseTtl = b.leaseTtl;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.deadLetterSubject = b.deadLetterSubject;
        this.revokeTimeout = b.revokeTimeout;
        this.closeTimeout = b.closeTimeout;
        this.connectionProperties = Map.copyOf(b.connectionProperties);
    }

    /** A builder with the defaults documented on each setter. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads settings from text, as given to {@link NatsEventBusProvider}: {@value #SERVERS} (required), the
     * {@code switchboard.*} keys declared on this class, and {@code io.nats.client.*} connection options. Durations
     * are ISO-8601 ({@code PT5S}) or milliseconds.
     *
     * @throws ConfigurationException naming the key whose value is invalid
     */
    public static NatsBusConfig fromMap(Map<String, String> config) {
        Objects.requireNonNull(config, "config");
        Builder b = builder();
        Duration initial = b.initialBackoff;
        Duration max = b.maxBackoff;
        for (Map.Entry<String, String> e : config.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (value == null) {
                throw new ConfigurationException("NATS bus setting '" + key + "' has no value");
            }
            switch (key) {
                case SERVERS -> b.servers(value.split("\\s*,\\s*"));
                case SUBJECT_PREFIX -> b.subjectPrefix(value);
                case STREAM -> b.stream(value);
                case STREAM_CREATE -> b.createStream(Texts.bool(key, value));
                case STREAM_STORAGE -> b.storage(Texts.storage(key, value));
                case STREAM_REPLICAS -> b.replicas(Texts.integer(key, value));
                case STREAM_MAX_AGE -> b.maxAge(Texts.duration(key, value));
                case STREAM_MAX_BYTES -> b.maxBytes(Texts.longValue(key, value));
                case DUPLICATE_WINDOW -> b.duplicateWindow(Texts.duration(key, value));
                case PARTITIONS -> b.partitions(Texts.integer(key, value));
                case ENCODING -> b.encoding(Texts.encoding(key, value));
                case CONCURRENCY -> b.concurrency(Texts.integer(key, value));
                case MAX_ACK_PENDING -> b.maxAckPending(Texts.integer(key, value));
                case ACK_WAIT -> b.ackWait(Texts.duration(key, value));
                case LEASE_TTL -> b.leaseTtl(Texts.duration(key, value));
                case REDELIVERY_INITIAL_BACKOFF -> initial = Texts.duration(key, value);
                case REDELIVERY_MAX_BACKOFF -> max = Texts.duration(key, value);
                case DEAD_LETTER_SUBJECT -> b.deadLetterSubject(value);
                case REVOKE_TIMEOUT -> b.revokeTimeout(Texts.duration(key, value));
                case CLOSE_TIMEOUT -> b.closeTimeout(Texts.duration(key, value));
                default -> {
                    if (key.startsWith("switchboard.")) {
                        throw new ConfigurationException("unknown NATS bus setting '" + key + "'; known settings: "
                                + new TreeSet<>(OWN_KEYS));
                    } else if (key.startsWith("io.nats.client.")) {
                        b.connectionProperty(key, value);
                    } else {
                        throw new ConfigurationException("unknown NATS bus setting '" + key + "': use '" + SERVERS
                                + "', a switchboard.* setting, or a jnats option (io.nats.client.*)");
                    }
                }
            }
        }
        b.redeliveryBackoff(initial, max);
        return b.build();
    }

    public List<String> servers() {
        return servers;
    }

    public String subjectPrefix() {
        return subjectPrefix;
    }

    /** The JetStream stream carrying every topic of the bus; default: the prefix upper-cased, '.' as '_'. */
    public String stream() {
        return stream;
    }

    /** The subject that partition {@code partition} of bus topic {@code topic} is published on. */
    public String subject(String topic, int partition) {
        return subjectPrefix + "." + topic + "." + partition;
    }

    /** The subjects of the stream: everything under the prefix. */
    public String streamSubjects() {
        return subjectPrefix + ".>";
    }

    /** Where undecodable messages of {@code topic} go when the consumer's {@code poison(...)} fails. */
    public String deadLetterSubject(String topic) {
        return deadLetterSubject != null ? deadLetterSubject : subjectPrefix + "." + topic + ".dead-letter";
    }

    /** The KV bucket holding partition leases and group membership. */
    public String leaseBucket() {
        return stream + "_leases";
    }

    public boolean createStream() {
        return createStream;
    }

    public StorageType storage() {
        return storage;
    }

    public int replicas() {
        return replicas;
    }

    /** Age after which the stream drops messages; zero = unlimited. */
    public Duration maxAge() {
        return maxAge;
    }

    /** Size beyond which the stream drops its oldest messages; -1 = unlimited. */
    public long maxBytes() {
        return maxBytes;
    }

    public Duration duplicateWindow() {
        return duplicateWindow;
    }

    public int partitions() {
        return partitions;
    }

    public Encoding encoding() {
        return encoding;
    }

    public int concurrency() {
        return concurrency;
    }

    public int maxAckPending() {
        return maxAckPending;
    }

    public Duration ackWait() {
        return ackWait;
    }

    public Duration leaseTtl() {
        return leaseTtl;
    }

    /** How often a member renews its leases and looks at the group: a third of the lease TTL. */
    public Duration heartbeat() {
        return leaseTtl.dividedBy(3);
    }

    /** How often unacknowledged messages are kept alive with in-progress acks: a third of the ack wait. */
    public Duration keepAlive() {
        return ackWait.dividedBy(3);
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public Duration revokeTimeout() {
        return revokeTimeout;
    }

    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** Connection options for jnats, including the ones the bus sets unless given. */
    Options connectionOptions(String connectionName) {
        Properties p = new Properties();
        p.putAll(connectionProperties);
        Options.Builder b = new Options.Builder(p).servers(servers.toArray(String[]::new));
        if (!connectionProperties.containsKey(Options.PROP_MAX_RECONNECT)) {
            b.maxReconnects(-1); // a bus outlives server restarts; publishes meanwhile fail visibly on their timeout
        }
        if (!connectionProperties.containsKey(Options.PROP_RECONNECT_WAIT)) {
            b.reconnectWait(Duration.ofMillis(250));
        }
        if (!connectionProperties.containsKey(Options.PROP_CONNECTION_NAME)) {
            b.connectionName(connectionName);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "NatsBusConfig{servers=" + servers + ", subjectPrefix='" + subjectPrefix + "', stream=" + stream
                + ", partitions=" + partitions + ", encoding=" + encoding + ", concurrency=" + concurrency
                + ", maxAckPending=" + maxAckPending + ", ackWait=" + ackWait + ", leaseTtl=" + leaseTtl + "}";
    }

    /** Builds a {@link NatsBusConfig}; each setter checks its argument, {@link #build()} the whole. Not thread-safe. */
    public static final class Builder {
        private List<String> servers;
        private String subjectPrefix = "switchboard";
        private String stream;
        private boolean createStream = true;
        private StorageType storage = StorageType.File;
        private int replicas = 1;
        private Duration maxAge = Duration.ofDays(7);
        private long maxBytes = -1;
        private Duration duplicateWindow = Duration.ofMinutes(2);
        private int partitions = 8;
        private Encoding encoding = Encoding.BINARY;
        private int concurrency = 16;
        private int maxAckPending = 1000;
        private Duration ackWait = Duration.ofSeconds(30);
        private Duration leaseTtl = Duration.ofSeconds(10);
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private String deadLetterSubject;
        private Duration revokeTimeout = Duration.ofSeconds(2);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private final Map<String, String> connectionProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** The servers to connect to, as URLs ({@code nats://host:4222}) or {@code host:port}. Required. */
        public Builder servers(String... servers) {
            if (servers == null || servers.length == 0 || Arrays.stream(servers).anyMatch(s -> s == null || s.isBlank())) {
                throw new ConfigurationException("NATS bus '" + SERVERS + "' is empty; give the servers as"
                        + " nats://host:4222[,nats://host2:4222...]");
            }
            for (String server : servers) {
                String url = server.contains("://") ? server : "nats://" + server;
                try {
                    java.net.URI uri = new java.net.URI(url.trim());
                    if (uri.getHost() == null) {
                        throw new java.net.URISyntaxException(url, "no host");
                    }
                } catch (java.net.URISyntaxException e) {
                    throw new ConfigurationException("NATS bus '" + SERVERS + "' has an invalid server '" + server
                            + "'; write it as nats://host:4222");
                }
            }
            this.servers = Arrays.stream(servers).map(String::trim).map(s -> s.contains("://") ? s : "nats://" + s).toList();
            return this;
        }

        /**
         * The first tokens of every subject the bus uses: topic {@code orders} partition 3 is
         * {@code <prefix>.orders.3}. Default {@code switchboard}; dot-separated tokens of letters, digits, '_', '-'.
         */
        public Builder subjectPrefix(String prefix) {
            if (prefix == null || !PREFIX.matcher(prefix).matches()) {
                throw new ConfigurationException("NATS bus subject prefix '" + prefix + "' (" + SUBJECT_PREFIX
                        + ") is invalid: use dot-separated tokens of letters, digits, '_' and '-', e.g. 'shop.events'");
            }
            this.subjectPrefix = prefix;
            return this;
        }

        /** The JetStream stream name; default the prefix upper-cased with '.' as '_' ({@code SWITCHBOARD}). */
        public Builder stream(String stream) {
            if (stream == null || !NAME.matcher(stream).matches()) {
                throw new ConfigurationException("NATS stream name '" + stream + "' (" + STREAM + ") is invalid: use"
                        + " 1 to 200 letters, digits, '_' or '-'");
            }
            this.stream = stream;
            return this;
        }

        /**
         * Whether the bus creates the stream and its lease bucket, or updates them to these settings; default true.
         * With false the bus only checks that what exists fits and says what does not.
         */
        public Builder createStream(boolean create) {
            this.createStream = create;
            return this;
        }

        /** Storage of the stream: {@link StorageType#File} (default, survives restarts) or {@code Memory}. */
        public Builder storage(StorageType storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
            return this;
        }

        /** Replicas of the stream (1 to 5); default 1. */
        public Builder replicas(int replicas) {
            if (replicas < 1 || replicas > 5) {
                throw new ConfigurationException("NATS stream replicas (" + STREAM_REPLICAS + ") must be 1 to 5, got "
                        + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        /** Age after which the stream drops messages, acknowledged or not; zero = unlimited; default 7 days. */
        public Builder maxAge(Duration maxAge) {
            if (maxAge == null || maxAge.isNegative()) {
                throw new ConfigurationException("NATS stream max age (" + STREAM_MAX_AGE + ") must be zero (unlimited)"
                        + " or positive, got " + maxAge);
            }
            this.maxAge = maxAge;
            return this;
        }

        /** Bytes beyond which the stream drops its oldest messages; -1 (default) = unlimited. */
        public Builder maxBytes(long maxBytes) {
            if (maxBytes < 1 && maxBytes != -1) {
                throw new ConfigurationException("NATS stream max bytes (" + STREAM_MAX_BYTES + ") must be positive or"
                        + " -1 (unlimited), got " + maxBytes);
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /**
         * How long the stream remembers {@code Nats-Msg-Id}s to drop duplicates (the bus sets it from each event's
         * {@code source} and {@code id}); default 2 minutes.
         */
        public Builder duplicateWindow(Duration window) {
            if (window == null || window.isNegative() || window.isZero()) {
                throw new ConfigurationException("NATS stream duplicate window (" + DUPLICATE_WINDOW + ") must be"
                        + " positive, got " + window + "; duplicates of an event are dropped only within it");
            }
            this.duplicateWindow = window;
            return this;
        }

        /**
         * Partitions per topic: subjects, durable consumers and leases per group; the most members one group can
         * spread over. Default 8. All members and publishers of a topic must agree on it.
         */
        public Builder partitions(int partitions) {
            if (partitions < 1 || partitions > 1024) {
                throw new ConfigurationException("NATS bus partitions (" + PARTITIONS + ") must be 1 to 1024, got "
                        + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /** The CloudEvents NATS binding mode written: {@code BINARY} (default, ce- headers) or {@code STRUCTURED}. */
        public Builder encoding(Encoding encoding) {
            this.encoding = Objects.requireNonNull(encoding, "encoding");
            return this;
        }

        /** Lanes (handler threads) per subscription: keys handled at once; default 16. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1024) {
                throw new ConfigurationException("NATS bus concurrency (" + CONCURRENCY + ") must be 1 to 1024, got "
                        + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** Unacknowledged messages per partition consumer before JetStream stops delivering (back-pressure); default 1000. */
        public Builder maxAckPending(int maxAckPending) {
            if (maxAckPending < 1) {
                throw new ConfigurationException("NATS bus max ack pending (" + MAX_ACK_PENDING + ") must be at least 1,"
                        + " got " + maxAckPending);
            }
            this.maxAckPending = maxAckPending;
            return this;
        }

        /**
         * How long JetStream waits for an acknowledgement before redelivering; the bus keeps messages it still works
         * on (or holds) alive with in-progress acks every third of it. Default 30 s; at least 1 s.
         */
        public Builder ackWait(Duration ackWait) {
            if (ackWait == null || ackWait.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new ConfigurationException("NATS bus ack wait (" + ACK_WAIT + ") must be at least 1 s, got "
                        + ackWait);
            }
            this.ackWait = ackWait;
            return this;
        }

        /**
         * How long a member's partition leases and membership last without renewal (renewed every third of it): the
         * time until a crashed member's partitions move. Default 10 s; at least 1 s.
         */
        public Builder leaseTtl(Duration ttl) {
            if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new ConfigurationException("NATS bus lease TTL (" + LEASE_TTL + ") must be at least 1 s, got "
                        + ttl);
            }
            this.leaseTtl = ttl;
            return this;
        }

        /** Delay before a failed event is redelivered (NAK with delay): doubles from initial to max; 100 ms to 10 s. */
        public Builder redeliveryBackoff(Duration initial, Duration max) {
            if (initial == null || max == null || initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new ConfigurationException("NATS bus redelivery backoff (" + REDELIVERY_INITIAL_BACKOFF + ", "
                        + REDELIVERY_MAX_BACKOFF + ") must satisfy 0 < initial <= max, got " + initial + " and " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * The subject (full, no prefix added) undecodable messages go to when the consumer's {@code poison(...)}
         * fails; it must be stored by a stream. Default {@code <prefix>.<topic>.dead-letter}, in the bus's stream.
         */
        public Builder deadLetterSubject(String subject) {
            if (subject == null || !PREFIX.matcher(subject).matches()) {
                throw new ConfigurationException("NATS dead-letter subject '" + subject + "' (" + DEAD_LETTER_SUBJECT
                        + ") is invalid: use dot-separated tokens of letters, digits, '_' and '-', no wildcards");
            }
            this.deadLetterSubject = subject;
            return this;
        }

        /** How long giving up a partition waits for its running handlers; default 2 s. */
        public Builder revokeTimeout(Duration timeout) {
            this.revokeTimeout = positive(REVOKE_TIMEOUT, timeout);
            return this;
        }

        /** How long closing waits for running handlers; default 5 s. */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive(CLOSE_TIMEOUT, timeout);
            return this;
        }

        /** A jnats connection option, as {@code Options.Builder(Properties)} reads it ({@code io.nats.client.*}). */
        public Builder connectionProperty(String key, String value) {
            if (key == null || !key.startsWith("io.nats.client.")) {
                throw new ConfigurationException("NATS connection property '" + key + "' must be a jnats option"
                        + " (io.nats.client.*)");
            }
            if (key.equals(Options.PROP_SERVERS) || key.equals(Options.PROP_URL)) {
                throw new ConfigurationException("NATS connection property '" + key + "': set the servers with '"
                        + SERVERS + "' (servers(...)) instead");
            }
            connectionProperties.put(key, Objects.requireNonNull(value, key));
            return this;
        }

        /** Checks the whole and builds; the builder can be reused. */
        public NatsBusConfig build() {
            if (servers == null) {
                throw new ConfigurationException("NATS bus needs '" + SERVERS + "': call servers(\"nats://host:4222\")"
                        + " or set '" + SERVERS + "'");
            }
            if (maxAge.compareTo(Duration.ZERO) > 0 && duplicateWindow.compareTo(maxAge) > 0) {
                throw new ConfigurationException("NATS stream duplicate window " + duplicateWindow + " ("
                        + DUPLICATE_WINDOW + ") exceeds its max age " + maxAge + " (" + STREAM_MAX_AGE
                        + "); JetStream refuses that: shorten the window or lengthen the age");
            }
            return new NatsBusConfig(this);
        }

        private static Duration positive(String key, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new ConfigurationException("NATS bus " + key + " must be positive, got " + d);
            }
            return d;
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

        static long longValue(String key, String value) {
            try {
                return Long.parseLong(value.trim());
            } catch (RuntimeException e) {
                throw new ConfigurationException("'" + key + "' must be an integer, got '" + value + "'");
            }
        }

        static boolean bool(String key, String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new ConfigurationException("'" + key + "' must be true or false, got '" + value + "'");
            }
            return v.equals("true");
        }

        static Encoding encoding(String key, String value) {
            try {
                return Encoding.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new ConfigurationException("'" + key + "' must be binary or structured, got '" + value + "'");
            }
        }

        static StorageType storage(String key, String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "file" -> StorageType.File;
                case "memory" -> StorageType.Memory;
                default -> throw new ConfigurationException("'" + key + "' must be file or memory, got '" + value + "'");
            };
        }

        static Duration duration(String key, String value) {
            String v = value.trim();
            try {
                return !v.isEmpty() && v.chars().allMatch(Character::isDigit)
                        ? Duration.ofMillis(Long.parseLong(v)) : Duration.parse(v);
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new ConfigurationException("'" + key + "' must be a duration in ISO-8601 (PT5S) or milliseconds,"
                        + " got '" + value + "'");
            }
        }
    }

    Optional<String> explicitDeadLetterSubject() {
        return Optional.ofNullable(deadLetterSubject);
    }
}
