package io.switchboard.redis;

import io.cloudevents.CloudEvent;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.switchboard.api.BusCapability;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventBus;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.Scheduler;
import io.switchboard.api.Subscription;
import io.switchboard.core.time.Schedulers;
import io.switchboard.spi.BusMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.zip.CRC32;

/**
 * An {@link EventBus} on Redis Streams. Each bus topic is a fixed number of shard streams
 * ({@link RedisBusConfig#streamKey}); an event goes to the shard its partition key hashes to (CRC-32 of the key's
 * UTF-8 bytes modulo the shard count; events without a key are spread round-robin). Each subscription is a consumer
 * in a Redis consumer group on every shard stream, but reads only the shards it holds a lease for: members of a
 * group share the shards fairly, and one key's events go to one member at a time, in order, through joins, clean
 * leaves and crashes. See {@code docs/redis.md} for the design, the wire format and what each guarantee rests on.
 *
 * <p><b>Publishing</b> is one {@code XADD} (or one Lua script with duplicate suppression). "Accepted" means Redis
 * answered: the entry is in the server's memory, and written to its append-only file as configured there
 * ({@code appendfsync always}: on disk before the answer; {@code everysec}: up to a second can be lost in a server
 * crash; no AOF: only what the last RDB snapshot holds survives a server crash). With
 * {@link RedisBusConfig.Builder#waitForReplicas} the publish also waits for replicas ({@code WAIT}). The stage
 * completes on a Lettuce I/O thread, so dependent actions must not block.
 *
 * <p><b>Consuming</b> is at-least-once: an entry is acknowledged ({@code XACK}) only after the consumer's stage
 * completed normally (or the consumer released its hold); a failed stage is retried with backoff, in order for its
 * key; unacknowledged entries of a member that crashed go to the next owner of their shard once the lease expired.
 * Entries that are not CloudEvents go to {@link BusConsumer#poison}, else to the dead-letter stream.
 *
 * <p>Thread-safe. {@link #close()} closes every subscription and connection and stops every thread the bus started.
 */
public final class RedisEventBus implements EventBus, BusMetrics {

    private static final Logger log = LoggerFactory.getLogger(RedisEventBus.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Set<BusCapability> CAPABILITIES = Set.copyOf(EnumSet.allOf(BusCapability.class));
    private static final int MAX_TOPIC_LENGTH = 200;

    private final RedisBusConfig config;
    private final String clientId;
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private final RedisClients clients;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final RedisAsyncCommands<String, byte[]> redis;
    private final Scheduler scheduler;
    private final ScheduledThreadPoolExecutor ownedSchedulerThread;
    private final XAddArgs addArgs;
    private final ConcurrentHashMap<String, CompletableFuture<Topic>> topics = new ConcurrentHashMap<>();
    private final Set<RedisSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger subscriptionCount = new AtomicInteger();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private volatile boolean closed;

    /** The keys of one topic, known once its shard count was checked against the one recorded in Redis. */
    private record Topic(String name, String[] streams) {
    }

    private RedisEventBus(RedisBusConfig config) {
        this.config = config;
        this.clientId = "switchboard-redis-bus-" + INSTANCES.incrementAndGet();
        this.clients = new RedisClients(clientId, config.uri(), config.username().orElse(null),
                config.password().orElse(null), config.commandTimeout(), config.publishTimeout(), RedisBusConfig.URI);
        StatefulRedisConnection<String, byte[]> connected = null;
        try {
            connected = clients.connect("event bus");
            connected.sync().ping(); // a server that wants a password may accept the connection but no command
        } catch (RuntimeException e) {
            if (connected != null) {
                connected.close();
            }
            clients.close();
            throw e instanceof ConfigurationException ? e : clients.explain(e, "event bus");
        }
        this.connection = connected;
        this.redis = connection.async();
        if (config.scheduler().isPresent()) {
            this.scheduler = config.scheduler().get();
            this.ownedSchedulerThread = null;
        } else {
            this.ownedSchedulerThread = new ScheduledThreadPoolExecutor(1, Schedulers.daemonThreads(clientId + "-scheduler"));
            this.ownedSchedulerThread.setRemoveOnCancelPolicy(true);
            this.scheduler = Schedulers.system(ownedSchedulerThread);
        }
        this.addArgs = config.retention() == RedisBusConfig.Retention.MAX_LENGTH
                ? new XAddArgs().maxlen(config.retentionMaxLength()).approximateTrimming() : null;
        describePersistence();
    }

    /**
     * A bus on the server {@code config} names. Connects at once.
     *
     * @throws ConfigurationException if the server cannot be reached or refuses the credentials, saying which
     */
    public static RedisEventBus create(RedisBusConfig config) {
        return new RedisEventBus(Objects.requireNonNull(config, "config"));
    }

    /** The settings this bus was created with. */
    public RedisBusConfig config() {
        return config;
    }

    @Override
    public String type() {
        return "redis";
    }

    /**
     * All of them: durable (as durable as the server's persistence; see the class comment), redelivery, ordered per
     * key, consumer groups, poison detection, held acknowledgement.
     */
    @Override
    public Set<BusCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public CompletionStage<Void> publish(String topic, CloudEvent event) {
        Objects.requireNonNull(event, "event");
        Object partitionKey = event.getExtension("partitionkey");
        return publishKeyed(topic, event, partitionKey != null ? partitionKey.toString() : event.getSubject());
    }

    @Override
    public CompletionStage<Void> publish(String topic, CloudEvent event, String partitionKey) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(partitionKey, "partitionKey");
        return publishKeyed(topic, event, partitionKey);
    }

    private CompletionStage<Void> publishKeyed(String topic, CloudEvent event, String key) {
        if (closed) {
            return CompletableFuture.failedFuture(new PublishRejectedException("cannot publish event '" + event.getId()
                    + "' to topic '" + topic + "': the Redis event bus is closed"));
        }
        CompletableFuture<Topic> known;
        try {
            known = topic(topic);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        Topic t = known.getNow(null);
        if (t != null) {
            return send(t, event, key);
        }
        return known.handle((ready, error) -> error == null
                ? send(ready, event, key)
                : CompletableFuture.<Void>failedFuture(new PublishRejectedException("cannot publish event '"
                        + event.getId() + "' to topic '" + topic + "': " + Lanes.unwrap(error).getMessage(),
                        Lanes.unwrap(error))))
                .thenCompose(stage -> stage);
    }

    private CompletionStage<Void> send(Topic topic, CloudEvent event, String key) {
        int shard = key != null ? shardOf(key, topic.streams.length)
                : Math.floorMod(roundRobin.getAndIncrement(), topic.streams.length);
        String stream = topic.streams[shard];
        Map<String, byte[]> fields = EntryFormat.encode(event, key, config.encoding());
        Published published = new Published(topic.name, stream, event);
        try {
            if (config.duplicatesWindow().isPresent()) {
                publishOnce(topic, stream, event, fields).whenComplete(published);
            } else if (config.waitReplicas() > 0) {
                redis.xadd(stream, addArgs, fields).thenCompose(id -> redis.waitForReplication(config.waitReplicas(),
                        config.waitTimeout().toMillis()).thenApply(this::replicated)).whenComplete(published);
            } else {
                redis.xadd(stream, addArgs, fields).whenComplete(published);
            }
        } catch (RuntimeException e) {
            published.accept(null, e);
        }
        return published;
    }

    private Object replicated(Long replicas) {
        if (replicas == null || replicas < config.waitReplicas()) {
            throw new IllegalStateException("only " + replicas + " of " + config.waitReplicas() + " replicas confirmed"
                    + " the entry within " + config.waitTimeout() + " (" + RedisBusConfig.WAIT_REPLICAS + "); it is on"
                    + " the primary and may still be delivered, so publishing it again can duplicate it");
        }
        return replicas;
    }

    private CompletionStage<Object> publishOnce(Topic topic, String stream, CloudEvent event, Map<String, byte[]> fields) {
        byte[][] args = new byte[2 + fields.size() * 2][];
        args[0] = Scripts.arg(config.duplicatesWindow().orElseThrow().toMillis());
        args[1] = Scripts.arg(addArgs == null ? 0 : config.retentionMaxLength());
        int i = 2;
        for (Map.Entry<String, byte[]> field : fields.entrySet()) {
            args[i++] = EntryFormat.utf8(field.getKey());
            args[i++] = field.getValue();
        }
        String marker = config.keyPrefix() + topic.name + ":dup:" + event.getSource() + " " + event.getId();
        CompletionStage<Object> added = Scripts.<byte[]>run(redis, Scripts.PUBLISH_ONCE, ScriptOutputType.VALUE,
                new String[]{stream, marker}, args).thenApply(id -> {
                    if (id == null) {
                        log.debug("topic '{}': event '{}' from '{}' was published within the duplicate window; not"
                                + " added again", topic.name, event.getId(), event.getSource());
                    }
                    return id == null ? "duplicate" : id;
                });
        if (config.waitReplicas() > 0) {
            added = added.thenCompose(id -> redis.waitForReplication(config.waitReplicas(),
                    config.waitTimeout().toMillis()).thenApply(this::replicated));
        }
        return added;
    }

    /** The publisher's stage and Redis's answer in one object. Completes on a Lettuce I/O thread. */
    private static final class Published extends CompletableFuture<Void> implements BiConsumer<Object, Throwable> {
        private final String topic;
        private final String stream;
        private final CloudEvent event;

        Published(String topic, String stream, CloudEvent event) {
            this.topic = topic;
            this.stream = stream;
            this.event = event;
        }

        @Override
        public void accept(Object id, Throwable error) {
            if (error == null) {
                complete(null);
            } else {
                Throwable cause = Lanes.unwrap(error);
                completeExceptionally(new PublishRejectedException("Redis did not accept event '" + event.getId()
                        + "' on topic '" + topic + "' (stream '" + stream + "'): " + explainCommandError(cause, stream)
                        + "; publish it again", cause));
            }
        }
    }

    /** The shard of a key: CRC-32 of its UTF-8 bytes modulo the shard count (documented; other producers may use it). */
    static int shardOf(String key, int shards) {
        CRC32 crc = new CRC32();
        crc.update(EntryFormat.utf8(key));
        return (int) (crc.getValue() % shards);
    }

    static String explainCommandError(Throwable error, String key) {
        String message = String.valueOf(error.getMessage());
        if (error instanceof RedisCommandExecutionException && message.startsWith("WRONGTYPE")) {
            return "key '" + key + "' exists but is not a stream (" + message + "); the bus needs that key for its"
                    + " stream: delete or rename the key, or choose another " + RedisBusConfig.KEY_PREFIX;
        }
        return error.toString();
    }

    // ------------------------------------------------------------------ topics

    private CompletableFuture<Topic> topic(String topic) {
        CompletableFuture<Topic> known = topics.get(topic);
        if (known != null && !known.isCompletedExceptionally()) {
            return known;
        }
        checkName("topic", topic);
        CompletableFuture<Topic> checking = new CompletableFuture<>();
        CompletableFuture<Topic> raced = known == null ? topics.putIfAbsent(topic, checking)
                : topics.replace(topic, known, checking) ? null : topics.get(topic);
        if (raced != null) {
            return raced;
        }
        String meta = config.keyPrefix() + topic + ":meta";
        Scripts.<byte[]>run(redis, Scripts.SHARD_COUNT, ScriptOutputType.VALUE, new String[]{meta},
                Scripts.arg(config.shards())).whenComplete((recorded, error) -> {
                    if (error != null) {
                        checking.completeExceptionally(new IllegalStateException("cannot read the shard count of topic '"
                                + topic + "' (key '" + meta + "'): " + explainCommandError(Lanes.unwrap(error), meta),
                                Lanes.unwrap(error)));
                        return;
                    }
                    int shards = Integer.parseInt(EntryFormat.string(recorded));
                    if (shards != config.shards()) {
                        checking.completeExceptionally(new ConfigurationException("topic '" + topic + "' has "
                                + shards + " shard streams (recorded in '" + meta + "'), but this bus is configured"
                                + " with " + RedisBusConfig.SHARDS + "=" + config.shards() + ": every publisher and"
                                + " member must use the same count, or keys land on shards nobody expects; set "
                                + RedisBusConfig.SHARDS + "=" + shards));
                        return;
                    }
                    String[] streams = new String[shards];
                    for (int i = 0; i < shards; i++) {
                        streams[i] = config.streamKey(topic, i);
                    }
                    checking.complete(new Topic(topic, streams));
                });
        return checking;
    }

    private static void checkName(String what, String name) {
        Objects.requireNonNull(name, what);
        if (name.isEmpty() || name.length() > MAX_TOPIC_LENGTH || name.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException(what + " '" + name + "' cannot name Redis keys: use 1 to "
                    + MAX_TOPIC_LENGTH + " characters without spaces or control characters");
        }
    }

    // ------------------------------------------------------------------ subscribing

    @Override
    public Subscription subscribe(String topic, String group, BusConsumer consumer) {
        Objects.requireNonNull(consumer, "consumer");
        Objects.requireNonNull(group, "group");
        if (group.isBlank()) {
            throw new IllegalArgumentException("consumer group name is empty; give each trigger input a group name");
        }
        checkName("consumer group", group);
        if (closed) {
            throw new IllegalStateException("cannot subscribe to topic '" + topic + "': the Redis event bus is closed");
        }
        Topic t = awaitTopic(topic);
        createGroups(t, group);
        String member = clientId + "-" + instance + "-" + group + "-" + subscriptionCount.incrementAndGet();
        StatefulRedisConnection<String, byte[]> read = clients.connect("subscription to topic '" + topic + "'");
        StatefulRedisConnection<String, byte[]> control;
        try {
            control = clients.connect("subscription to topic '" + topic + "'");
        } catch (RuntimeException e) {
            read.close();
            throw e;
        }
        String[] leases = new String[t.streams.length];
        for (int i = 0; i < leases.length; i++) {
            leases[i] = config.keyPrefix() + topic + ":lease:" + group + ":" + i;
        }
        RedisSubscription.Keys keys = new RedisSubscription.Keys(t.streams,
                config.keyPrefix() + topic + ":members:" + group, leases);
        BusHandler handler = new BusHandler(topic, consumer, this::addDeadLetter);
        RedisSubscription[] self = new RedisSubscription[1];
        RedisSubscription subscription = new RedisSubscription(topic, group, member, keys, config, read, control,
                handler, scheduler, () -> subscriptions.remove(self[0]));
        self[0] = subscription;
        subscriptions.add(subscription);
        subscription.start();
        if (closed) { // close() raced with us: do not leave a running consumer behind
            subscription.close();
            throw new IllegalStateException("cannot subscribe to topic '" + topic + "': the Redis event bus is closed");
        }
        return subscription;
    }

    private Topic awaitTopic(String topic) {
        try {
            return topic(topic).get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topic '" + topic + "'", e);
        } catch (Exception e) {
            Throwable cause = Lanes.unwrap(e);
            if (cause instanceof ConfigurationException ce) {
                throw ce;
            }
            throw new IllegalStateException("cannot subscribe to topic '" + topic + "': " + cause.getMessage(), cause);
        }
    }

    /**
     * Creates the group on every shard stream (and the streams), starting at the streams' end: a new group receives
     * what is published after it was created. An existing group keeps its position.
     */
    private void createGroups(Topic topic, String group) {
        List<CompletableFuture<String>> created = new ArrayList<>();
        for (String stream : topic.streams) {
            created.add(redis.xgroupCreate(XReadArgs.StreamOffset.latest(stream), group,
                    XGroupCreateArgs.Builder.mkstream()).toCompletableFuture());
        }
        for (int i = 0; i < created.size(); i++) {
            try {
                created.get(i).get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating consumer group '" + group + "'", e);
            } catch (Exception e) {
                Throwable cause = Lanes.unwrap(e);
                if (String.valueOf(cause.getMessage()).startsWith("BUSYGROUP")) {
                    continue; // the group exists: keep its position
                }
                if (String.valueOf(cause.getMessage()).startsWith("WRONGTYPE")) {
                    throw new ConfigurationException("cannot subscribe to topic '" + topic.name + "': "
                            + explainCommandError(cause, topic.streams[i]), cause);
                }
                throw new IllegalStateException("cannot create consumer group '" + group + "' on stream '"
                        + topic.streams[i] + "': " + cause, cause);
            }
        }
    }

    private CompletionStage<Void> addDeadLetter(Map<String, byte[]> fields) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the Redis event bus is closed"));
        }
        return redis.xadd(config.deadLetterStream(), fields).thenApply(id -> (Void) null);
    }

    /** Open, and the bus's connection and every subscription's connections are up. */
    @Override
    public boolean connected() {
        if (closed || !connection.isOpen()) {
            return false;
        }
        for (RedisSubscription subscription : subscriptions) {
            if (!subscription.connected()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The group's backlog on {@code topic} over all its shard streams (XINFO GROUPS {@code lag + pending}, Redis 7),
     * as of the last heartbeat of a member of {@code group} open on this bus; empty when there is none or it has no
     * answer yet. Members of one group see the same group-wide figure, so the largest (freshest growing) is taken.
     */
    @Override
    public OptionalLong consumerLag(String topic, String group) {
        long lag = -1;
        for (RedisSubscription subscription : subscriptions) {
            if (subscription.topic().equals(topic) && subscription.group().equals(group)) {
                lag = Math.max(lag, subscription.lag());
            }
        }
        return lag < 0 || closed ? OptionalLong.empty() : OptionalLong.of(lag);
    }

    /** Live subscriptions, for tests. */
    Set<RedisSubscription> subscriptions() {
        return Set.copyOf(subscriptions);
    }

    private void describePersistence() {
        try {
            Map<String, String> aof = redis.configGet("appendonly", "appendfsync")
                    .get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            String appendonly = aof.getOrDefault("appendonly", "?");
            String fsync = aof.getOrDefault("appendfsync", "?");
            String meaning = !"yes".equals(appendonly)
                    ? "without an append-only file, a server crash loses accepted events newer than the last RDB snapshot"
                    : "always".equals(fsync) ? "an accepted event is on disk before the publish completes"
                    : "a server crash can lose up to about a second of accepted events (appendfsync " + fsync + ")";
            log.info("{}: Redis at {} has appendonly={} appendfsync={}: {}", clientId, clients.address(), appendonly,
                    fsync, meaning);
        } catch (Exception e) {
            log.debug("{}: could not read the server's persistence settings (CONFIG GET refused?): {}", clientId,
                    String.valueOf(Lanes.unwrap(e)));
        }
    }

    // ------------------------------------------------------------------ closing

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RedisSubscription subscription : List.copyOf(subscriptions)) {
            subscription.close();
        }
        release();
    }

    /**
     * Ends the bus the way a killed process ends: subscriptions stop without acknowledging, without deleting their
     * leases and without leaving their groups; the connections are dropped. Other members take the shards when the
     * leases expire. For fault tests.
     */
    void abort() {
        if (closed) {
            return;
        }
        closed = true;
        for (RedisSubscription subscription : List.copyOf(subscriptions)) {
            subscription.abort();
        }
        release();
    }

    private void release() {
        try {
            connection.close();
        } catch (RuntimeException e) {
            log.debug("{}: closing the connection failed", clientId, e);
        }
        clients.close();
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
        return "RedisEventBus{" + clientId + ", " + clients.address() + ", prefix='" + config.keyPrefix() + "'}";
    }
}
