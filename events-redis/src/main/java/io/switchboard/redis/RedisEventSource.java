package io.switchboard.redis;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventSource;
import io.switchboard.api.SourceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link EventSource} that turns what happens in Redis into CloudEvents. One source may combine:
 * <ul>
 *   <li><b>pub/sub channels and patterns</b> ({@code SUBSCRIBE}/{@code PSUBSCRIBE}): <em>at-most-once</em>. Redis
 *       keeps no pub/sub history: a message published while the source is disconnected, or whose emit fails, is
 *       gone. The source reconnects with backoff and resubscribes; it counts and logs every gap
 *       ({@link #gaps()}, {@link #gapTime()}) — the number of messages lost in a gap cannot be known, and none is
 *       ever claimed as delivered;</li>
 *   <li><b>keyspace notifications</b> for keys matching a pattern, optionally only some events ({@code set},
 *       {@code del}, {@code expired}, …): at-most-once like pub/sub. The server's {@code notify-keyspace-events} must
 *       enable them; {@link #start} checks it and fails saying what to set;</li>
 *   <li><b>a stream with a consumer group</b> ({@code XREADGROUP}): <em>at-least-once</em>. An entry is
 *       acknowledged ({@code XACK}) after its emit was accepted; a failed emit is retried with backoff; entries left
 *       pending by a crashed instance are claimed after {@link Builder#claimIdle}.</li>
 * </ul>
 * A message or entry that already is a CloudEvent (the JSON event format, or the Redis bus's entry format) is emitted
 * unchanged. Anything else becomes an event with type {@value #MESSAGE_TYPE}, {@value #KEYSPACE_TYPE} or
 * {@value #ENTRY_TYPE}, source {@code redis:channel:<channel>} / {@code redis:keyspace:<key>} /
 * {@code redis:stream:<key>}, the channel, pattern, key, keyspace event, stream and entry id as extensions, and the
 * payload as data (a stream entry's fields as a JSON object). Its id is stable: the entry id for streams; for
 * pub/sub and keyspace events, which carry none, a hash of channel (or key and event) and payload, so instances that
 * subscribe to the same channel produce the same id for one message and a deduplicating bus keeps one — and
 * identical messages repeated on one channel get the same id too (send CloudEvents, or something unique in the
 * payload, if that matters). See {@code docs/redis.md}.
 *
 * <p>{@code start} and {@code close} are called by the runtime, never concurrently.
 */
public final class RedisEventSource implements EventSource {

    private static final Logger log = LoggerFactory.getLogger(RedisEventSource.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final JsonFormat JSON = new JsonFormat();

    /** The type of events made from pub/sub messages that are not CloudEvents. */
    public static final String MESSAGE_TYPE = "io.switchboard.redis.message";
    /** The type of events made from keyspace notifications. */
    public static final String KEYSPACE_TYPE = "io.switchboard.redis.keyspace";
    /** The type of events made from stream entries that are not CloudEvents. */
    public static final String ENTRY_TYPE = "io.switchboard.redis.entry";
    public static final String CHANNEL_EXTENSION = "redischannel";
    public static final String PATTERN_EXTENSION = "redispattern";
    public static final String KEY_EXTENSION = "rediskey";
    public static final String EVENT_EXTENSION = "redisevent";
    public static final String STREAM_EXTENSION = "redisstream";
    public static final String ENTRY_ID_EXTENSION = "redisentryid";

    /** Text keys understood by {@link #fromMap}. */
    public static final String CHANNELS = "switchboard.channels";
    public static final String PATTERNS = "switchboard.patterns";
    public static final String KEYSPACE_PATTERN = "switchboard.keyspace.pattern";
    public static final String KEYSPACE_EVENTS = "switchboard.keyspace.events";
    public static final String STREAM = "switchboard.stream";
    public static final String STREAM_GROUP = "switchboard.stream.group";
    public static final String STREAM_START = "switchboard.stream.start";
    public static final String MAX_IN_FLIGHT = "switchboard.max.in.flight";
    public static final String CLAIM_IDLE = "switchboard.claim.idle";
    private static final Set<String> KEYS = Set.of(RedisBusConfig.URI, RedisBusConfig.USERNAME, RedisBusConfig.PASSWORD,
            CHANNELS, PATTERNS, KEYSPACE_PATTERN, KEYSPACE_EVENTS, STREAM, STREAM_GROUP, STREAM_START, MAX_IN_FLIGHT,
            CLAIM_IDLE);

    /** The {@code notify-keyspace-events} class letter each common event needs (besides {@code K}). */
    private static final Map<String, Character> EVENT_CLASSES = eventClasses();

    private final String name;
    private final String uri;
    private final String username;
    private final char[] password;
    private final List<String> channels;
    private final List<String> patterns;
    private final String keyspacePattern;
    private final Set<String> keyspaceEvents;
    private final String stream;
    private final String group;
    private final String streamStart;
    private final int maxInFlight;
    private final Duration claimIdle;
    private final AtomicLong gaps = new AtomicLong();
    private final AtomicLong gapNanos = new AtomicLong();
    private final AtomicLong emitFailures = new AtomicLong();
    private RedisClients clients;
    private StatefulRedisPubSubConnection<String, byte[]> pubSub;
    private StreamReader reader;
    private volatile boolean running;

    private RedisEventSource(Builder b) {
        this.name = b.name;
        this.uri = b.uri;
        this.username = b.username;
        this.password = b.password;
        this.channels = List.copyOf(b.channels);
        this.patterns = List.copyOf(b.patterns);
        this.keyspacePattern = b.keyspacePattern;
        this.keyspaceEvents = Set.copyOf(b.keyspaceEvents);
        this.stream = b.stream;
        this.group = b.group != null ? b.group : "switchboard-source-" + b.name;
        this.streamStart = b.streamStart;
        this.maxInFlight = b.maxInFlight;
        this.claimIdle = b.claimIdle;
    }

    /** A builder for a source called {@code name} (also its default bus topic). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A source from text settings, as given to {@link RedisEventSourceProvider}: {@code redis.uri} (required),
     * {@code redis.username}, {@code redis.password}, {@value #CHANNELS} and {@value #PATTERNS} (comma-separated),
     * {@value #KEYSPACE_PATTERN} and {@value #KEYSPACE_EVENTS} (comma-separated, default all), {@value #STREAM},
     * {@value #STREAM_GROUP} (default {@code switchboard-source-<name>}), {@value #STREAM_START} ({@code $}: new
     * entries only, the default, or {@code 0}: the whole stream, for a group that does not exist yet),
     * {@value #MAX_IN_FLIGHT} and {@value #CLAIM_IDLE}.
     *
     * @throws ConfigurationException naming the key whose value is invalid
     */
    public static RedisEventSource fromMap(String name, Map<String, String> config) {
        Objects.requireNonNull(config, "config");
        Builder b = builder(name);
        for (Map.Entry<String, String> e : config.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            switch (key) {
                case RedisBusConfig.URI -> b.uri(value);
                case RedisBusConfig.USERNAME -> b.username = value;
                case RedisBusConfig.PASSWORD -> b.password(value);
                case CHANNELS -> b.channels(list(value));
                case PATTERNS -> b.patterns(list(value));
                case KEYSPACE_PATTERN -> b.keyspacePattern = value;
                case KEYSPACE_EVENTS -> b.keyspaceEvents.addAll(List.of(list(value)));
                case STREAM -> b.stream = value;
                case STREAM_GROUP -> b.group = value;
                case STREAM_START -> b.streamStart(value);
                case MAX_IN_FLIGHT -> b.maxInFlight(RedisBusConfig.Texts.integer(key, value));
                case CLAIM_IDLE -> b.claimIdle(RedisBusConfig.Texts.duration(key, value));
                default -> throw new ConfigurationException("unknown Redis source setting '" + key + "' for source '"
                        + name + "'; known settings: " + new TreeSet<>(KEYS));
            }
        }
        if (b.keyspacePattern != null) {
            b.keyspace(b.keyspacePattern, b.keyspaceEvents.toArray(String[]::new));
        } else if (!b.keyspaceEvents.isEmpty()) {
            throw new ConfigurationException("'" + KEYSPACE_EVENTS + "' of Redis source '" + name + "' needs '"
                    + KEYSPACE_PATTERN + "' (the keys to watch, e.g. 'session:*')");
        }
        if (b.stream != null) {
            b.stream(b.stream, b.group != null ? b.group : "switchboard-source-" + name);
        }
        return b.build();
    }

    private static String[] list(String value) {
        return value == null || value.isBlank() ? new String[0] : value.trim().split("\\s*,\\s*");
    }

    @Override
    public String name() {
        return name;
    }

    /** Times the pub/sub connection was lost and came back: each is a gap in which messages may have been missed. */
    public long gaps() {
        return gaps.get();
    }

    /** The total time the pub/sub connection was down. */
    public Duration gapTime() {
        return Duration.ofNanos(gapNanos.get());
    }

    /** Pub/sub and keyspace messages whose emit failed (dropped: at-most-once). */
    public long emitFailures() {
        return emitFailures.get();
    }

    @Override
    public void start(SourceContext context) {
        Objects.requireNonNull(context, "context");
        running = true;
        clients = new RedisClients("switchboard-redis-source-" + INSTANCES.incrementAndGet() + "-" + name, uri,
                username, password, Duration.ofSeconds(5), RedisBusConfig.URI);
        try {
            if (!channels.isEmpty() || !patterns.isEmpty() || keyspacePattern != null) {
                startPubSub(context);
            }
            if (stream != null) {
                reader = new StreamReader(context);
                reader.begin();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    // ------------------------------------------------------------------ pub/sub and keyspace

    private void startPubSub(SourceContext context) {
        StatefulRedisConnection<String, byte[]> probe = clients.connect("source '" + name + "'");
        String keyspacePrefix;
        try {
            probe.sync().ping();
            keyspacePrefix = "__keyspace@" + clients.database() + "__:";
            if (keyspacePattern != null) {
                checkKeyspaceNotifications(probe.sync());
            }
        } catch (ConfigurationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw clients.explain(e, "source '" + name + "'");
        } finally {
            probe.close();
        }
        pubSub = clients.connectPubSub("source '" + name + "'");
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                emitAtMostOnce(context, fromMessage(channel, null, message));
            }

            @Override
            public void message(String pattern, String channel, byte[] message) {
                if (channel.startsWith(keyspacePrefix) && keyspacePattern != null
                        && pattern.equals(keyspacePrefix + keyspacePattern)) {
                    String event = EntryFormat.string(message);
                    if (keyspaceEvents.isEmpty() || keyspaceEvents.contains(event)) {
                        emitAtMostOnce(context, fromKeyspace(channel.substring(keyspacePrefix.length()), event));
                    }
                } else {
                    emitAtMostOnce(context, fromMessage(channel, pattern, message));
                }
            }
        });
        pubSub.addListener(new RedisConnectionStateListener() {
            private volatile long lostAt;

            @Override
            public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> connection) {
                if (running) {
                    lostAt = System.nanoTime();
                    log.warn("Redis source '{}': pub/sub connection to {} lost; reconnecting. Messages published"
                            + " meanwhile are not received (Redis keeps no pub/sub history)", name, clients.address());
                }
            }

            @Override
            public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> connection, SocketAddress address) {
                long since = lostAt;
                if (since != 0 && running) {
                    lostAt = 0;
                    long gap = System.nanoTime() - since;
                    gaps.incrementAndGet();
                    gapNanos.addAndGet(gap);
                    log.warn("Redis source '{}': pub/sub reconnected after {} ms and resubscribed; messages published"
                            + " in that gap were missed (gap {} so far, {} ms in total)", name,
                            java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(gap), gaps.get(),
                            java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(gapNanos.get()));
                }
            }
        });
        try {
            if (!channels.isEmpty()) {
                pubSub.sync().subscribe(channels.toArray(String[]::new));
            }
            List<String> all = new ArrayList<>(patterns);
            if (keyspacePattern != null) {
                all.add(keyspacePrefix + keyspacePattern);
            }
            if (!all.isEmpty()) {
                pubSub.sync().psubscribe(all.toArray(String[]::new));
            }
        } catch (RuntimeException e) {
            throw clients.explain(e, "source '" + name + "'");
        }
    }

    private void checkKeyspaceNotifications(RedisCommands<String, byte[]> redis) {
        String flags;
        try {
            flags = redis.configGet("notify-keyspace-events").getOrDefault("notify-keyspace-events", "");
        } catch (RuntimeException e) {
            log.warn("Redis source '{}': cannot read notify-keyspace-events ({}); make sure it enables keyspace"
                    + " events (K) for the events you watch, or nothing will arrive", name, e.getMessage());
            return;
        }
        Set<Character> needed = new java.util.LinkedHashSet<>();
        needed.add('K');
        if (keyspaceEvents.isEmpty()) {
            needed.add('A');
        } else {
            for (String event : new TreeSet<>(keyspaceEvents)) {
                Character c = EVENT_CLASSES.get(event);
                if (c != null) {
                    needed.add(c);
                }
            }
        }
        boolean all = flags.indexOf('A') >= 0;
        List<Character> missing = new ArrayList<>();
        for (char c : needed) {
            boolean coveredByA = c != 'K' && c != 'A' && c != 'm' && c != 'n' && all;
            if (flags.indexOf(c) < 0 && !coveredByA) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            StringBuilder want = new StringBuilder(flags);
            for (char c : missing) {
                want.append(c);
            }
            throw new ConfigurationException("Redis source '" + name + "' watches keyspace events "
                    + (keyspaceEvents.isEmpty() ? "(all)" : keyspaceEvents) + " on '" + keyspacePattern + "', but the"
                    + " server at " + clients.address() + " has notify-keyspace-events='" + flags + "', which does not"
                    + " publish them (missing " + missing + "): run CONFIG SET notify-keyspace-events " + want
                    + " (or set it in redis.conf)");
        }
    }

    private void emitAtMostOnce(SourceContext context, CloudEvent event) {
        try {
            context.emit(event).whenComplete((ok, error) -> {
                if (error != null) {
                    emitFailures.incrementAndGet();
                    log.warn("Redis source '{}': event '{}' was not accepted and is dropped (pub/sub is"
                            + " at-most-once): {}", name, event.getId(), String.valueOf(Lanes.unwrap(error)));
                }
            });
        } catch (RuntimeException e) {
            emitFailures.incrementAndGet();
            log.warn("Redis source '{}': emitting event '{}' failed; dropped", name, event.getId(), e);
        }
    }

    CloudEvent fromMessage(String channel, String pattern, byte[] payload) {
        CloudEvent passThrough = structured(payload);
        if (passThrough != null) {
            return passThrough;
        }
        CloudEventBuilder b = CloudEventBuilder.v1().withId(stableId(channel, payload))
                .withSource(URI.create("redis:channel:" + encode(channel))).withType(MESSAGE_TYPE)
                .withExtension(CHANNEL_EXTENSION, channel).withData(payload);
        if (pattern != null) {
            b.withExtension(PATTERN_EXTENSION, pattern);
        }
        return b.build();
    }

    CloudEvent fromKeyspace(String key, String event) {
        return CloudEventBuilder.v1().withId(stableId(key + "\n" + event, new byte[0]))
                .withSource(URI.create("redis:keyspace:" + encode(key))).withType(KEYSPACE_TYPE).withSubject(key)
                .withExtension(KEY_EXTENSION, key).withExtension(EVENT_EXTENSION, event).build();
    }

    private static CloudEvent structured(byte[] payload) {
        if (payload.length < 2 || payload[0] != '{') {
            return null;
        }
        String head = new String(payload, 0, Math.min(payload.length, 4096), StandardCharsets.UTF_8);
        if (!head.contains("\"specversion\"")) {
            return null;
        }
        try {
            return JSON.deserialize(payload);
        } catch (RuntimeException notAnEvent) {
            return null;
        }
    }

    private static String stableId(String where, byte[] payload) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(where.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(payload);
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ------------------------------------------------------------------ stream

    CloudEvent fromEntry(String streamKey, StreamMessage<String, byte[]> message) {
        Map<String, byte[]> fields = message.getBody();
        try {
            return EntryFormat.decode(fields);
        } catch (IllegalArgumentException notABusEntry) {
            // a plain entry: its fields as a JSON object
        }
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, byte[]> field : fields.entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(quote(field.getKey())).append(':').append(quote(text(field.getValue())));
        }
        json.append('}');
        return CloudEventBuilder.v1().withId(message.getId()).withSource(URI.create("redis:stream:" + encode(streamKey)))
                .withType(ENTRY_TYPE).withExtension(STREAM_EXTENSION, streamKey)
                .withExtension(ENTRY_ID_EXTENSION, message.getId()).withDataContentType("application/json")
                .withData(json.toString().getBytes(StandardCharsets.UTF_8)).build();
    }

    /** UTF-8 text as is; other bytes as {@code base64:<…>}. */
    private static String text(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return "base64:" + Base64.getEncoder().encodeToString(value);
        }
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Reads the stream as one consumer of the group; one thread, acknowledgements asynchronous. */
    private final class StreamReader implements Runnable {
        private final SourceContext context;
        private final String consumerName = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        private final Consumer<String> consumer = Consumer.from(group, consumerName);
        private final AtomicInteger inFlight = new AtomicInteger();
        private final Object room = new Object();
        private volatile boolean waitingForRoom;
        private final Set<String> emitting = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private volatile boolean reconnected;
        private StatefulRedisConnection<String, byte[]> read;
        private StatefulRedisConnection<String, byte[]> ack;
        private Thread thread;
        private long nextClaim;

        StreamReader(SourceContext context) {
            this.context = context;
        }

        void begin() {
            read = clients.connect("source '" + name + "'");
            // a read answered to a connection that then dropped delivered entries this consumer never saw: re-read
            read.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> connection, SocketAddress address) {
                    reconnected = true;
                }
            });
            ack = clients.connect("source '" + name + "'");
            try {
                read.sync().xgroupCreate(XReadArgs.StreamOffset.from(stream, streamStart), group,
                        XGroupCreateArgs.Builder.mkstream());
            } catch (RuntimeException e) {
                String message = String.valueOf(e.getMessage());
                if (message.startsWith("WRONGTYPE")) {
                    throw new ConfigurationException("Redis source '" + name + "': " + RedisEventBus
                            .explainCommandError(e, stream).replace(RedisBusConfig.KEY_PREFIX, STREAM), e);
                }
                if (!message.startsWith("BUSYGROUP")) {
                    throw clients.explain(e, "source '" + name + "' (creating group '" + group + "' on '" + stream + "')");
                }
            }
            thread = new Thread(this, "switchboard-redis-source-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            String cursor = "0"; // first what this consumer left pending, then new entries
            int failures = 0;
            while (running) {
                try {
                    if (inFlight.get() >= maxInFlight) {
                        awaitRoom();
                        continue;
                    }
                    if (reconnected) {
                        reconnected = false;
                        cursor = "0";
                    }
                    if (System.nanoTime() - nextClaim >= 0) {
                        nextClaim = System.nanoTime() + claimIdle.toNanos() / 2;
                        ClaimedMessages<String, byte[]> claimed = read.sync().xautoclaim(stream,
                                new XAutoClaimArgs<String>().consumer(consumer).minIdleTime(claimIdle).startId("0-0")
                                        .count(Math.max(1, maxInFlight - inFlight.get())));
                        dispatch(claimed.getMessages());
                    }
                    int count = Math.max(1, maxInFlight - inFlight.get());
                    List<StreamMessage<String, byte[]>> messages = "0".equals(cursor)
                            ? read.sync().xreadgroup(consumer, XReadArgs.Builder.count(count),
                                    XReadArgs.StreamOffset.from(stream, "0"))
                            : read.sync().xreadgroup(consumer, XReadArgs.Builder.count(count).block(100),
                                    XReadArgs.StreamOffset.lastConsumed(stream));
                    if ("0".equals(cursor) && messages.isEmpty()) {
                        cursor = ">";
                    }
                    dispatch(messages);
                    failures = 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    if (!running) {
                        return;
                    }
                    failures++;
                    cursor = "0"; // a read that failed here may have delivered entries on the server: read them again
                    if (failures == 1 || failures % 20 == 0) {
                        log.warn("Redis source '{}': reading stream '{}' failed ({} in a row); retrying: {}", name,
                                stream, failures, e.toString());
                    }
                    sleepQuietly(Math.min(1000, 50L << Math.min(failures, 5)));
                }
            }
        }

        private void dispatch(List<StreamMessage<String, byte[]>> messages) {
            for (StreamMessage<String, byte[]> message : messages) {
                if (message.getBody() == null || message.getBody().isEmpty()) {
                    ack.async().xack(stream, group, message.getId()); // deleted meanwhile: nothing to emit
                    continue;
                }
                if (!emitting.add(message.getId())) {
                    continue; // read again while its emit is under way
                }
                inFlight.incrementAndGet();
                emit(message, fromEntry(stream, message), 0);
            }
        }

        /**
         * Parks the reader while {@code maxInFlight} entries are being emitted, until one of them finishes
         * ({@link #finished}) or the source closes; the bound on the wait only re-checks {@code running}.
         */
        private void awaitRoom() throws InterruptedException {
            synchronized (room) {
                waitingForRoom = true;
                try {
                    while (running && inFlight.get() >= maxInFlight) {
                        room.wait(200);
                    }
                } finally {
                    waitingForRoom = false;
                }
            }
        }

        /** One emit finished (acknowledged, or left pending at close): frees its place and wakes a parked reader. */
        private void finished(String id) {
            emitting.remove(id);
            inFlight.decrementAndGet();
            if (waitingForRoom) {
                synchronized (room) {
                    room.notifyAll();
                }
            }
        }

        private void emit(StreamMessage<String, byte[]> message, CloudEvent event, int failures) {
            java.util.concurrent.CompletionStage<Void> stage;
            try {
                stage = context.emit(event);
            } catch (RuntimeException e) {
                stage = java.util.concurrent.CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((ok, error) -> {
                if (!running) {
                    finished(message.getId()); // stays pending: emitted again after a restart or by another instance
                    return;
                }
                if (error == null) {
                    ack.async().xack(stream, group, message.getId()).whenComplete((n, e) -> finished(message.getId()));
                    return;
                }
                long delay = Math.min(10_000, 100L << Math.min(failures, 7));
                log.warn("Redis source '{}': entry {} of '{}' was not accepted (attempt {}); retrying in {} ms: {}",
                        name, message.getId(), stream, failures + 1, delay, String.valueOf(Lanes.unwrap(error)));
                context.scheduler().schedule(Duration.ofMillis(delay), () -> emit(message, event, failures + 1));
            });
        }

        void stop() {
            if (thread != null) {
                try {
                    thread.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (read != null) {
                read.close();
            }
            if (ack != null) {
                ack.close();
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        if (reader != null) {
            reader.stop();
            reader = null;
        }
        if (pubSub != null) {
            try {
                pubSub.close();
            } catch (RuntimeException e) {
                log.debug("Redis source '{}': closing pub/sub failed", name, e);
            }
            pubSub = null;
        }
        if (clients != null) {
            clients.close();
            clients = null;
        }
    }

    private static Map<String, Character> eventClasses() {
        Map<String, Character> m = new LinkedHashMap<>();
        for (String e : List.of("del", "expire", "rename_from", "rename_to", "copy_to", "restore", "move_from", "move_to")) {
            m.put(e, 'g');
        }
        for (String e : List.of("set", "setrange", "incrby", "incrbyfloat", "append")) {
            m.put(e, '$');
        }
        for (String e : List.of("lpush", "rpush", "lpop", "rpop", "linsert", "lset", "lrem", "ltrim")) {
            m.put(e, 'l');
        }
        for (String e : List.of("sadd", "srem", "spop", "sinterstore", "sunionstore", "sdiffstore")) {
            m.put(e, 's');
        }
        for (String e : List.of("hset", "hincrby", "hincrbyfloat", "hdel")) {
            m.put(e, 'h');
        }
        for (String e : List.of("zadd", "zincr", "zrem", "zremrangebyscore", "zremrangebyrank")) {
            m.put(e, 'z');
        }
        for (String e : List.of("xadd", "xtrim", "xdel", "xgroup-create", "xsetid")) {
            m.put(e, 't');
        }
        m.put("expired", 'x');
        m.put("evicted", 'e');
        m.put("new", 'n');
        return Map.copyOf(m);
    }

    /** Builds a {@link RedisEventSource}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private String uri;
        private String username;
        private char[] password;
        private final List<String> channels = new ArrayList<>();
        private final List<String> patterns = new ArrayList<>();
        private String keyspacePattern;
        private final Set<String> keyspaceEvents = new TreeSet<>();
        private String stream;
        private String group;
        private String streamStart = "$";
        private int maxInFlight = 1_000;
        private Duration claimIdle = Duration.ofSeconds(30);

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new ConfigurationException("a Redis source needs a name");
            }
            this.name = name;
        }

        /** The server, as a Redis URI ({@code redis://host:6379/0}). Required. */
        public Builder uri(String uri) {
            this.uri = RedisBusConfig.builder().uri(uri).build().uri();
            return this;
        }

        /** The ACL user; default: the URI's, else none. */
        public Builder username(String username) {
            this.username = Objects.requireNonNull(username, "username");
            return this;
        }

        /** The password; default: the URI's, else none. */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password").toCharArray();
            return this;
        }

        /** Pub/sub channels to subscribe to (at-most-once). */
        public Builder channels(String... channels) {
            for (String channel : channels) {
                if (channel == null || channel.isEmpty()) {
                    throw new ConfigurationException("Redis source '" + name + "': a channel name is empty ('"
                            + CHANNELS + "')");
                }
                this.channels.add(channel);
            }
            return this;
        }

        /** Pub/sub channel patterns ({@code PSUBSCRIBE} glob, e.g. {@code orders.*}; at-most-once). */
        public Builder patterns(String... patterns) {
            for (String pattern : patterns) {
                if (pattern == null || pattern.isEmpty()) {
                    throw new ConfigurationException("Redis source '" + name + "': a channel pattern is empty ('"
                            + PATTERNS + "')");
                }
                this.patterns.add(pattern);
            }
            return this;
        }

        /**
         * Keyspace notifications for keys matching {@code keyPattern} (a glob), only {@code events} if any are given
         * (e.g. {@code set}, {@code del}, {@code expired}); at-most-once. The server must enable them in
         * {@code notify-keyspace-events}; {@link RedisEventSource#start} checks.
         */
        public Builder keyspace(String keyPattern, String... events) {
            if (keyPattern == null || keyPattern.isEmpty()) {
                throw new ConfigurationException("Redis source '" + name + "': '" + KEYSPACE_PATTERN + "' is empty;"
                        + " give the keys to watch as a glob, e.g. 'session:*'");
            }
            this.keyspacePattern = keyPattern;
            this.keyspaceEvents.clear();
            for (String event : events) {
                this.keyspaceEvents.add(event.trim().toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /**
         * A stream to read as a member of consumer {@code group} (created if missing; at-least-once). Instances of
         * one application share the group and so the entries.
         */
        public Builder stream(String key, String group) {
            if (key == null || key.isEmpty()) {
                throw new ConfigurationException("Redis source '" + name + "': '" + STREAM + "' is empty");
            }
            if (group == null || group.isBlank()) {
                throw new ConfigurationException("Redis source '" + name + "': '" + STREAM_GROUP + "' is empty");
            }
            this.stream = key;
            this.group = group;
            return this;
        }

        /** Where a group created by the source starts: {@code $} (new entries, default) or {@code 0} (all). */
        public Builder streamStart(String start) {
            if (!"$".equals(start) && !"0".equals(start)) {
                throw new ConfigurationException("'" + STREAM_START + "' of Redis source '" + name + "' must be $"
                        + " (new entries only) or 0 (the whole stream), got '" + start + "'");
            }
            this.streamStart = start;
            return this;
        }

        /** Stream entries emitted but not yet acknowledged, beyond which reading pauses; default 1000. */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1) {
                throw new ConfigurationException("'" + MAX_IN_FLIGHT + "' of Redis source '" + name + "' must be at"
                        + " least 1, got " + maxInFlight);
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** How long an entry stays pending with another (crashed) instance before this one claims it; default 30 s. */
        public Builder claimIdle(Duration idle) {
            if (idle == null || idle.isNegative() || idle.isZero()) {
                throw new ConfigurationException("'" + CLAIM_IDLE + "' of Redis source '" + name + "' must be"
                        + " positive, got " + idle);
            }
            this.claimIdle = idle;
            return this;
        }

        /** Checks the whole and builds. */
        public RedisEventSource build() {
            if (uri == null) {
                throw new ConfigurationException("Redis source '" + name + "' needs '" + RedisBusConfig.URI
                        + "' (redis://host:6379)");
            }
            if (channels.isEmpty() && patterns.isEmpty() && keyspacePattern == null && stream == null) {
                throw new ConfigurationException("Redis source '" + name + "' has nothing to read: set '" + CHANNELS
                        + "', '" + PATTERNS + "', '" + KEYSPACE_PATTERN + "' or '" + STREAM + "'");
            }
            return new RedisEventSource(this);
        }
    }
}
