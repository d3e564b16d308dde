package io.switchboard.redis;

import io.switchboard.api.ConfigurationException;
import io.switchboard.api.Scheduler;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of a {@link RedisEventBus}: where the server is, how bus topics map to Redis keys, how many shard streams
 * carry a topic, how events are encoded, how consumption is paced and how long streams are kept. Immutable and
 * thread-safe; build one with {@link #builder()} or from text with {@link #fromMap(Map)}.
 *
 * <p>Every member of one consumer group must use the same {@link Builder#keyPrefix key prefix} and
 * {@link Builder#shards shard count}: the shard of a key is its hash modulo the shard count. The bus records the
 * shard count of a topic in Redis the first time it uses the topic and refuses a different one later.
 */
public final class RedisBusConfig {

    /** Text keys understood by {@link #fromMap(Map)}. */
    public static final String URI = "redis.uri";
    public static final String USERNAME = "redis.username";
    public static final String PASSWORD = "redis.password";
    public static final String KEY_PREFIX = "switchboard.key.prefix";
    public static final String SHARDS = "switchboard.shards";
    public static final String ENCODING = "switchboard.encoding";
    public static final String CONCURRENCY = "switchboard.concurrency";
    public static final String MAX_IN_FLIGHT = "switchboard.max.in.flight";
    public static final String BATCH_SIZE = "switchboard.batch.size";
    public static final String REDELIVERY_INITIAL_BACKOFF = "switchboard.redelivery.initial.backoff";
    public static final String REDELIVERY_MAX_BACKOFF = "switchboard.redelivery.max.backoff";
    public static final String LEASE_TIME = "switchboard.lease.time";
    public static final String DUPLICATES_WINDOW = "switchboard.duplicates.window";
    public static final String DEAD_LETTER_STREAM = "switchboard.dead.letter.stream";
    public static final String RETENTION = "switchboard.retention";
    public static final String RETENTION_MAX_LENGTH = "switchboard.retention.max.length";
    public static final String TRIM_INTERVAL = "switchboard.trim.interval";
    public static final String WAIT_REPLICAS = "switchboard.wait.replicas";
    public static final String WAIT_TIMEOUT = "switchboard.wait.timeout";
    public static final String REVOKE_TIMEOUT = "switchboard.revoke.timeout";
    public static final String CLOSE_TIMEOUT = "switchboard.close.timeout";
    public static final String COMMAND_TIMEOUT = "switchboard.command.timeout";
    public static final String PUBLISH_TIMEOUT = "switchboard.publish.timeout";

    private static final Set<String> KEYS = Set.of(URI, USERNAME, PASSWORD, KEY_PREFIX, SHARDS, ENCODING, CONCURRENCY,
            MAX_IN_FLIGHT, BATCH_SIZE, REDELIVERY_INITIAL_BACKOFF, REDELIVERY_MAX_BACKOFF, LEASE_TIME, DUPLICATES_WINDOW,
            DEAD_LETTER_STREAM, RETENTION, RETENTION_MAX_LENGTH, TRIM_INTERVAL, WAIT_REPLICAS, WAIT_TIMEOUT,
            REVOKE_TIMEOUT, CLOSE_TIMEOUT, COMMAND_TIMEOUT, PUBLISH_TIMEOUT);

    /** How events are laid out in a stream entry; consumers read both. */
    public enum Encoding {
        /** Attributes as {@code ce-}fields, {@code content-type}, data as the binary {@code data} field (default). */
        BINARY,
        /** The whole event in the CloudEvents JSON format in the {@code data} field. */
        STRUCTURED
    }

    /** What the bus trims from its streams. */
    public enum Retention {
        /**
         * Default: every trim interval, an owner of a shard trims entries older than the oldest entry that any
         * consumer group of the stream has not acknowledged ({@code XTRIM MINID ~}); nothing unacknowledged is
         * removed, and entries published while no group existed are removed once a group is past them.
         */
        ACKNOWLEDGED,
        /**
         * {@code XADD MAXLEN ~ n}: each shard stream keeps about the newest {@code n} entries, acknowledged or not. A
         * group more than {@code n} entries behind on a shard loses the oldest ones; use it only as a memory cap.
         */
        MAX_LENGTH,
        /** The bus never trims; you do. */
        NONE
    }

    private final String uri;
    private final String username;
    private final char[] password;
    private final String keyPrefix;
    private final int shards;
    private final Encoding encoding;
    private final int concurrency;
    private final int maxInFlight;
    private final int batchSize;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration leaseTime;
    private final Duration duplicatesWindow;
    private final String deadLetterStream;
    private final Retention retention;
    private final long retentionMaxLength;
    private final Duration trimInterval;
    private final int waitReplicas;
    private final Duration waitTimeout;
    private final Duration revokeTimeout;
    private final Duration closeTimeout;
    private final Duration commandTimeout;
    private final Duration publishTimeout;
    private final Scheduler scheduler;

    private RedisBusConfig(Builder b) {
        this.uri = b.uri;
        this.username = b.username;
        this.password = b.password;
        this.keyPrefix = b.keyPrefix;
        this.shards = b.shards;
        this.encoding = b.encoding;
        this.concurrency = b.concurrency;
        this.maxInFlight = b.maxInFlight;
        this.batchSize = b.batchSize;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.leaseTime = b.leaseTime;
        this.duplicatesWindow = b.duplicatesWindow;
        this.deadLetterStream = b.deadLetterStream;
        this.retention = b.retention;
        this.retentionMaxLength = b.retentionMaxLength;
        this.trimInterval = b.trimInterval;
        this.waitReplicas = b.waitReplicas;
        this.waitTimeout = b.waitTimeout;
        this.revokeTimeout = b.revokeTimeout;
        this.closeTimeout = b.closeTimeout;
        this.commandTimeout = b.commandTimeout;
        this.publishTimeout = b.publishTimeout;
        this.scheduler = b.scheduler;
    }

    /** A builder with the defaults documented on each setter. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads settings from text, as given to {@link RedisEventBusProvider}: {@code redis.uri} (required), optionally
     * {@code redis.username} and {@code redis.password}, and the {@code switchboard.*} keys declared on this class.
     * Durations are ISO-8601 ({@code PT5S}) or milliseconds; {@code switchboard.retention} is {@code acknowledged},
     * {@code max-length} or {@code none}.
     *
     * @throws ConfigurationException naming the key whose value is invalid, or an unknown key
     */
    public static RedisBusConfig fromMap(Map<String, String> config) {
        Objects.requireNonNull(config, "config");
        Builder b = builder();
        Duration initial = b.initialBackoff;
        Duration max = b.maxBackoff;
        Long maxLength = null;
        Integer replicas = null;
        Duration waitTimeout = b.waitTimeout;
        for (Map.Entry<String, String> e : config.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            try {
                switch (key) {
                    case URI -> b.uri(value);
                    case USERNAME -> b.username = value;
                    case PASSWORD -> b.password(value);
                    case KEY_PREFIX -> b.keyPrefix(value);
                    case SHARDS -> b.shards(Texts.integer(key, value));
                    case ENCODING -> b.encoding(Texts.choice(key, value, Encoding.class));
                    case CONCURRENCY -> b.concurrency(Texts.integer(key, value));
                    case MAX_IN_FLIGHT -> b.maxInFlight(Texts.integer(key, value));
                    case BATCH_SIZE -> b.batchSize(Texts.integer(key, value));
                    case REDELIVERY_INITIAL_BACKOFF -> initial = Texts.duration(key, value);
                    case REDELIVERY_MAX_BACKOFF -> max = Texts.duration(key, value);
                    case LEASE_TIME -> b.leaseTime(Texts.duration(key, value));
                    case DUPLICATES_WINDOW -> b.suppressDuplicates(Texts.duration(key, value));
                    case DEAD_LETTER_STREAM -> b.deadLetterStream(value);
                    case RETENTION -> b.retention = Texts.choice(key, value, Retention.class);
                    case RETENTION_MAX_LENGTH -> maxLength = Texts.longValue(key, value);
                    case TRIM_INTERVAL -> b.trimInterval(Texts.duration(key, value));
                    case WAIT_REPLICAS -> replicas = Texts.integer(key, value);
                    case WAIT_TIMEOUT -> waitTimeout = Texts.duration(key, value);
                    case REVOKE_TIMEOUT -> b.revokeTimeout(Texts.duration(key, value));
                    case CLOSE_TIMEOUT -> b.closeTimeout(Texts.duration(key, value));
                    case COMMAND_TIMEOUT -> b.commandTimeout(Texts.duration(key, value));
                    case PUBLISH_TIMEOUT -> b.publishTimeout(Texts.duration(key, value));
                    default -> throw new ConfigurationException("unknown Redis bus setting '" + key + "'; known settings: "
                            + new TreeSet<>(KEYS));
                }
            } catch (ConfigurationException ex) {
                if (ex.getMessage().contains("'" + key + "'")) {
                    throw ex;
                }
                throw new ConfigurationException("'" + key + "': " + ex.getMessage(), ex);
            }
        }
        if (b.retention == Retention.MAX_LENGTH || maxLength != null) {
            if (maxLength == null) {
                throw new ConfigurationException("'" + RETENTION + "=max-length' needs '" + RETENTION_MAX_LENGTH
                        + "' (entries kept per shard stream)");
            }
            b.retainMaxLength(maxLength);
        }
        if (replicas != null) {
            b.waitForReplicas(replicas, waitTimeout);
        }
        b.redeliveryBackoff(initial, max);
        return b.build();
    }

    /** The server, as a Redis URI ({@code redis://host:port/db}, {@code rediss://…} for TLS). */
    public String uri() {
        return uri;
    }

    Optional<String> username() {
        return Optional.ofNullable(username);
    }

    Optional<char[]> password() {
        return Optional.ofNullable(password);
    }

    public String keyPrefix() {
        return keyPrefix;
    }

    public int shards() {
        return shards;
    }

    /** The stream that carries shard {@code shard} of bus topic {@code topic}: {@code <prefix><topic>:<shard>}. */
    public String streamKey(String topic, int shard) {
        return keyPrefix + topic + ":" + shard;
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

    public int batchSize() {
        return batchSize;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public Duration leaseTime() {
        return leaseTime;
    }

    /** The window of publish-side duplicate suppression, if enabled. */
    public Optional<Duration> duplicatesWindow() {
        return Optional.ofNullable(duplicatesWindow);
    }

    /** The stream undecodable entries go to when the consumer's {@code poison} fails; default {@code <prefix>dead-letter}. */
    public String deadLetterStream() {
        return deadLetterStream != null ? deadLetterStream : keyPrefix + "dead-letter";
    }

    public Retention retention() {
        return retention;
    }

    public long retentionMaxLength() {
        return retentionMaxLength;
    }

    public Duration trimInterval() {
        return trimInterval;
    }

    public int waitReplicas() {
        return waitReplicas;
    }

    public Duration waitTimeout() {
        return waitTimeout;
    }

    public Duration revokeTimeout() {
        return revokeTimeout;
    }

    public Duration closeTimeout() {
        return closeTimeout;
    }

    public Duration commandTimeout() {
        return commandTimeout;
    }

    public Duration publishTimeout() {
        return publishTimeout;
    }

    /** The scheduler for redelivery backoff, if one was given (else the bus owns one). */
    public Optional<Scheduler> scheduler() {
        return Optional.ofNullable(scheduler);
    }

    @Override
    public String toString() {
        return "RedisBusConfig{uri=" + uri + ", keyPrefix='" + keyPrefix + "', shards=" + shards + ", encoding="
                + encoding + ", concurrency=" + concurrency + ", maxInFlight=" + maxInFlight + ", leaseTime=" + leaseTime
                + ", retention=" + retention + ", duplicatesWindow=" + duplicatesWindow + ", waitReplicas="
                + waitReplicas + "}";
    }

    /** Builds a {@link RedisBusConfig}; each setter checks its argument, {@link #build()} checks the whole. Not thread-safe. */
    public static final class Builder {
        private String uri;
        private String username;
        private char[] password;
        private String keyPrefix = "switchboard:";
        private int shards = 8;
        private Encoding encoding = Encoding.BINARY;
        private int concurrency = 16;
        private int maxInFlight = 10_000;
        private int batchSize = 500;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private Duration leaseTime = Duration.ofSeconds(10);
        private Duration duplicatesWindow;
        private String deadLetterStream;
        private Retention retention = Retention.ACKNOWLEDGED;
        private long retentionMaxLength;
        private Duration trimInterval = Duration.ofSeconds(30);
        private int waitReplicas;
        private Duration waitTimeout = Duration.ofSeconds(1);
        private Duration revokeTimeout = Duration.ofSeconds(2);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration commandTimeout = Duration.ofSeconds(3);
        private Duration publishTimeout = Duration.ofSeconds(30);
        private Scheduler scheduler;

        private Builder() {
        }

        /**
         * The server as a Redis URI: {@code redis://[[user:]password@]host[:port][/database]}, {@code rediss://} for
         * TLS. Required.
         */
        public Builder uri(String uri) {
            if (uri == null || uri.isBlank()) {
                throw new ConfigurationException("Redis bus " + URI + " is empty; give the server as redis://host:6379");
            }
            String u = uri.trim();
            if (!u.startsWith("redis://") && !u.startsWith("rediss://") && !u.startsWith("redis-socket://")) {
                throw new ConfigurationException("Redis bus " + URI + " '" + u + "' is not a Redis URI; write it as"
                        + " redis://host:6379 (rediss:// for TLS)");
            }
            try {
                io.lettuce.core.RedisURI.create(u);
            } catch (RuntimeException e) {
                throw new ConfigurationException("Redis bus " + URI + " '" + u + "' cannot be parsed (" + e.getMessage()
                        + "); write it as redis://host:6379/0", e);
            }
            this.uri = u;
            return this;
        }

        /** The ACL user to authenticate as (Redis 6+); default: the URI's, else none. */
        public Builder username(String username) {
            this.username = Objects.requireNonNull(username, "username");
            return this;
        }

        /** The password ({@code requirepass} or the ACL user's); default: the URI's, else none. */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password").toCharArray();
            return this;
        }

        /** Prepended to every key the bus uses; default {@code switchboard:}. Members of a group must agree on it. */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.length() > 200 || keyPrefix.chars().anyMatch(c -> c <= ' ')) {
                throw new ConfigurationException("Redis bus " + KEY_PREFIX + " '" + keyPrefix + "' is invalid: use at"
                        + " most 200 characters without spaces or control characters");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * Shard streams per topic: the most members a group can spread one topic over. A key's shard is its hash
         * modulo this count, so every publisher and member must agree on it; default 8.
         */
        public Builder shards(int shards) {
            if (shards < 1 || shards > 1024) {
                throw new ConfigurationException("Redis bus " + SHARDS + " must be between 1 and 1024, got " + shards);
            }
            this.shards = shards;
            return this;
        }

        /** How events are laid out in stream entries; default {@link Encoding#BINARY}. Consumers read both. */
        public Builder encoding(Encoding encoding) {
            this.encoding = Objects.requireNonNull(encoding, "encoding");
            return this;
        }

        /** Lanes (and handler threads) per subscription: how many keys are handled at once; default 16. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1024) {
                throw new ConfigurationException("Redis bus " + CONCURRENCY + " must be between 1 and 1024, got "
                        + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /**
         * Unacknowledged entries (being handled, waiting for a retry, or held) per subscription beyond which it
         * reads no new entries until half of them are acknowledged; default 10000.
         */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1) {
                throw new ConfigurationException("Redis bus " + MAX_IN_FLIGHT + " must be at least 1, got " + maxInFlight);
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** Entries read per {@code XREADGROUP} call ({@code COUNT}); default 500. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 100_000) {
                throw new ConfigurationException("Redis bus " + BATCH_SIZE + " must be between 1 and 100000, got "
                        + batchSize);
            }
            this.batchSize = batchSize;
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
                throw new ConfigurationException("Redis bus redelivery backoff (" + REDELIVERY_INITIAL_BACKOFF + ", "
                        + REDELIVERY_MAX_BACKOFF + ") must satisfy 0 < initial <= max, got " + initial + " and " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * How long a member owns a shard without renewing its lease; renewed every third of it. After a crash, a
         * shard's unacknowledged entries come back this long (plus up to a third) later; default 10 s, at least 300 ms.
         */
        public Builder leaseTime(Duration leaseTime) {
            Objects.requireNonNull(leaseTime, "leaseTime");
            if (leaseTime.toMillis() < 300) {
                throw new ConfigurationException("Redis bus " + LEASE_TIME + " must be at least 300 ms, got " + leaseTime
                        + "; a shorter lease cannot be renewed reliably");
            }
            this.leaseTime = leaseTime;
            return this;
        }

        /**
         * Publishes at most one event per {@code source}+{@code id} within {@code window}: a publish of an event whose
         * source and id were published to the same topic within the window completes normally without adding an
         * entry. Several instances publishing identical events (ticks of one schedule) thereby add one. The check and
         * the {@code XADD} are one Lua script, so it holds across instances. Off by default.
         */
        public Builder suppressDuplicates(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero()) {
                throw new ConfigurationException("Redis bus " + DUPLICATES_WINDOW + " must be positive, got " + window);
            }
            this.duplicatesWindow = window;
            return this;
        }

        /**
         * The stream (full key, no prefix added) that receives undecodable entries when the consumer's
         * {@code poison(...)} fails: the entry's fields unchanged plus {@code switchboard-poison-reason},
         * {@code switchboard-poison-location} and {@code switchboard-poison-topic}. Default {@code <prefix>dead-letter}.
         */
        public Builder deadLetterStream(String key) {
            if (key == null || key.isBlank()) {
                throw new ConfigurationException("Redis bus " + DEAD_LETTER_STREAM + " is empty; name a stream key");
            }
            this.deadLetterStream = key;
            return this;
        }

        /** Trims only what every group acknowledged ({@link Retention#ACKNOWLEDGED}, the default). */
        public Builder retainUnacknowledged() {
            this.retention = Retention.ACKNOWLEDGED;
            return this;
        }

        /** Keeps about the newest {@code entries} per shard stream, acknowledged or not ({@link Retention#MAX_LENGTH}). */
        public Builder retainMaxLength(long entries) {
            if (entries < 1) {
                throw new ConfigurationException("Redis bus " + RETENTION_MAX_LENGTH + " must be at least 1, got "
                        + entries);
            }
            this.retention = Retention.MAX_LENGTH;
            this.retentionMaxLength = entries;
            return this;
        }

        /** Never trims ({@link Retention#NONE}). */
        public Builder retainEverything() {
            this.retention = Retention.NONE;
            return this;
        }

        /** How often a shard's owner trims it under {@link Retention#ACKNOWLEDGED}; default 30 s. */
        public Builder trimInterval(Duration interval) {
            this.trimInterval = positive(TRIM_INTERVAL, interval);
            return this;
        }

        /**
         * Completes a publish only after {@code replicas} replicas confirmed the entry ({@code WAIT replicas
         * timeout}); fewer within {@code timeout} fails the publish (the entry is on the primary and may still be
         * delivered: a retry can duplicate it). Default 0: no {@code WAIT}.
         */
        public Builder waitForReplicas(int replicas, Duration timeout) {
            if (replicas < 0) {
                throw new ConfigurationException("Redis bus " + WAIT_REPLICAS + " must be 0 or more, got " + replicas);
            }
            this.waitReplicas = replicas;
            this.waitTimeout = positive(WAIT_TIMEOUT, timeout);
            return this;
        }

        /** How long giving a shard to another member waits for its running handlers; default 2 s. */
        public Builder revokeTimeout(Duration timeout) {
            this.revokeTimeout = positive(REVOKE_TIMEOUT, timeout);
            return this;
        }

        /** How long closing waits for running handlers and the connections; default 5 s. */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive(CLOSE_TIMEOUT, timeout);
            return this;
        }

        /**
         * How long one command of the consumption machinery (read, lease renewal, claim) may take before it fails;
         * default 3 s, and shorter than the lease time.
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = positive(COMMAND_TIMEOUT, timeout);
            return this;
        }

        /**
         * How long a publish (and an acknowledgement) may wait for Redis's answer, time queued in the client behind
         * other commands included; after that its stage fails (the entry may still have been added). Default 30 s.
         */
        public Builder publishTimeout(Duration timeout) {
            this.publishTimeout = positive(PUBLISH_TIMEOUT, timeout);
            return this;
        }

        /** The scheduler for redelivery backoff; default: one the bus owns and stops. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Checks the whole and builds; the builder can be reused. */
        public RedisBusConfig build() {
            if (uri == null) {
                throw new ConfigurationException("Redis bus needs " + URI + ": call uri(\"redis://host:6379\") or set '"
                        + URI + "'");
            }
            if (commandTimeout.compareTo(leaseTime) >= 0) {
                throw new ConfigurationException("Redis bus " + COMMAND_TIMEOUT + " (" + commandTimeout + ") must be"
                        + " shorter than " + LEASE_TIME + " (" + leaseTime + "): a lease renewal that waits longer than"
                        + " the lease is worthless; lower the command timeout or lengthen the lease");
            }
            return new RedisBusConfig(this);
        }

        private static Duration positive(String key, Duration d) {
            Objects.requireNonNull(d, key);
            if (d.isNegative() || d.isZero()) {
                throw new ConfigurationException("Redis bus " + key + " must be positive, got " + d);
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
            String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new ConfigurationException("'" + key + "' must be true or false, got '" + value + "'");
            }
            return v.equals("true");
        }

        static <E extends Enum<E>> E choice(String key, String value, Class<E> type) {
            String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(v)) {
                    return e;
                }
            }
            StringBuilder known = new StringBuilder();
            for (E e : type.getEnumConstants()) {
                known.append(known.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            throw new ConfigurationException("'" + key + "' must be one of " + known + ", got '" + value + "'");
        }

        static Duration duration(String key, String value) {
            String v = value == null ? "" : value.trim();
            try {
                return !v.isEmpty() && v.chars().allMatch(Character::isDigit)
                        ? Duration.ofMillis(Long.parseLong(v)) : Duration.parse(v);
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new ConfigurationException("'" + key + "' must be a duration in ISO-8601 (PT5S) or milliseconds,"
                        + " got '" + value + "'");
            }
        }
    }
}
