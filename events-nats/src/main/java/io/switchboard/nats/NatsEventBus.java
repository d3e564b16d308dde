package io.switchboard.nats;

import io.cloudevents.CloudEvent;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.switchboard.api.BusCapability;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventBus;
import io.switchboard.api.PoisonMessage;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.Subscription;
import io.switchboard.core.time.Schedulers;
import io.switchboard.spi.BusMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
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
import java.util.function.Function;

/**
 * An {@link EventBus} on NATS JetStream, with key affinity across the members of a group built on top.
 *
 * <p><b>Layout.</b> One stream per bus ({@link NatsBusConfig#stream()}) stores the subjects
 * {@code <prefix>.<topic>.<partition>}: an event goes to the partition its key hashes to (FNV-1a of the UTF-8 key,
 * modulo {@link NatsBusConfig#partitions()}); the key is the explicit one, else the {@code partitionkey} extension,
 * else {@code subject}; events without a key are spread round-robin. Each group has one durable pull consumer per
 * partition, and a member consumes a partition only while it holds that partition's lease in the KV bucket
 * {@link NatsBusConfig#leaseBucket()} (see {@link NatsSubscription}); so one key's events go to one member at a time.
 *
 * <p><b>Publishing</b> encodes with the CloudEvents NATS binding (binary by default) and completes when the stream's
 * PubAck arrived (stored); every message carries {@code Nats-Msg-Id} = the topic and the percent-encoded
 * {@code source} and {@code id}, so the stream drops copies of one event on one topic within its duplicate window — a
 * retried publish, or the same tick from several instances — while the same event on another topic is stored. The stage completes on a jnats thread; dependent actions must not block.
 *
 * <p><b>Consuming</b> is at-least-once: a message is acknowledged only after the consumer's stage completed (or, held,
 * when released); a failed stage is NAK'd with backoff and its lane waits for the redelivery, so later events of its
 * key do not overtake it; messages fetched and not settled are kept alive with in-progress acks. Messages that are not
 * CloudEvents go to {@link BusConsumer#poison}, else to the dead-letter subject with reason headers. See
 * {@code docs/nats.md}.
 *
 * <p>Thread-safe. {@link #close()} closes every subscription and the connection and stops every thread it started.
 */
public final class NatsEventBus implements EventBus, BusMetrics {

    private static final Logger log = LoggerFactory.getLogger(NatsEventBus.class);
    private static final Set<BusCapability> CAPABILITIES = Set.copyOf(EnumSet.allOf(BusCapability.class));
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Carries the explicit partition key, so the consumer side orders by the key the publisher chose. */
    static final String KEY_HEADER = "Switchboard-Partition-Key";
    static final String MSG_ID_HEADER = "Nats-Msg-Id";
    static final String POISON_REASON_HEADER = "Switchboard-Poison-Reason";
    static final String POISON_LOCATION_HEADER = "Switchboard-Poison-Location";
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final NatsBusConfig config;
    private final String clientId;
    private final Connection connection;
    /** Leases, membership and consumer info go over their own connection, never queued behind message traffic. */
    private final Connection control;
    private final JetStreamManagement controlJsm;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final KeyValue leases;
    private final Streams streams;
    private final PublishOptions publishOptions;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Set<NatsSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, String[]> subjects = new ConcurrentHashMap<>();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final AtomicInteger subscriptionCount = new AtomicInteger();
    private volatile boolean closed;

    private NatsEventBus(NatsBusConfig config) {
        this.config = config;
        this.clientId = "switchboard-nats-" + INSTANCES.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.connection = connect(config, clientId);
        try {
            this.jsm = connection.jetStreamManagement();
            this.js = connection.jetStream();
            checkJetStream();
            this.streams = new Streams(config, jsm);
            streams.prepare();
        } catch (IOException | RuntimeException e) {
            closeQuietly(connection);
            if (e instanceof ConfigurationException c) {
                throw c;
            }
            throw new ConfigurationException("cannot prepare NATS stream '" + config.stream() + "': " + e.getMessage(), e);
        }
        this.control = connect(config, clientId + "-control");
        try {
            this.controlJsm = control.jetStreamManagement();
            this.leases = control.keyValue(config.leaseBucket());
        } catch (IOException | RuntimeException e) {
            closeQuietly(control);
            closeQuietly(connection);
            throw new ConfigurationException("cannot open NATS KV bucket '" + config.leaseBucket() + "': " + e.getMessage(), e);
        }
        this.publishOptions = PublishOptions.builder().expectedStream(config.stream()).build();
        this.scheduler = new ScheduledThreadPoolExecutor(1, Schedulers.daemonThreads(clientId + "-keepalive"));
        long period = config.keepAlive().toMillis();
        scheduler.scheduleWithFixedDelay(this::keepAlive, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * A bus on the servers {@code config} names. Connects, checks that JetStream is there, and creates or checks the
     * stream and the lease bucket before returning.
     *
     * @throws ConfigurationException naming the setting and the fix when the server is unreachable, has no JetStream,
     *                                or has a stream that contradicts the bus
     */
    public static NatsEventBus create(NatsBusConfig config) {
        return new NatsEventBus(Objects.requireNonNull(config, "config"));
    }

    private static Connection connect(NatsBusConfig config, String name) {
        try {
            return Nats.connect(config.connectionOptions(name));
        } catch (IOException e) {
            throw new ConfigurationException("cannot connect to NATS at " + config.servers() + ": " + e.getMessage()
                    + "; start the server or correct '" + NatsBusConfig.SERVERS + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigurationException("interrupted while connecting to NATS at " + config.servers(), e);
        }
    }

    private void checkJetStream() throws IOException {
        try {
            jsm.getAccountStatistics();
        } catch (JetStreamApiException | IOException | RuntimeException e) {
            throw new ConfigurationException("the NATS server at " + connection.getConnectedUrl() + " has no JetStream"
                    + " for this account (" + e.getMessage() + "): start nats-server with -js (or a 'jetstream {}'"
                    + " block in its configuration); the NATS bus stores events in a JetStream stream", e);
        }
    }

    /** The settings this bus was created with. */
    public NatsBusConfig config() {
        return config;
    }

    @Override
    public String type() {
        return "nats";
    }

    /** All of them: durable, redelivery, ordered per key, consumer groups, poison detection, held acknowledgement. */
    @Override
    public Set<BusCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public CompletionStage<Void> publish(String topic, CloudEvent event) {
        return send(topic, event, PartitionKeys.of(event));
    }

    @Override
    public CompletionStage<Void> publish(String topic, CloudEvent event, String partitionKey) {
        return send(topic, event, Objects.requireNonNull(partitionKey, "partitionKey"));
    }

    private CompletionStage<Void> send(String topic, CloudEvent event, String key) {
        Objects.requireNonNull(event, "event");
        String[] partitionSubjects = subjects(topic);
        if (closed) {
            return CompletableFuture.failedFuture(new PublishRejectedException("cannot publish event '" + event.getId()
                    + "' to topic '" + topic + "': the NATS event bus is closed"));
        }
        int partition = key != null ? Math.floorMod(Names.fnv1a(key), partitionSubjects.length)
                : Math.floorMod(roundRobin.getAndIncrement(), partitionSubjects.length);
        String subject = partitionSubjects[partition];
        try {
            Headers headers = new Headers();
            byte[] body = CloudEventMessages.encode(event, config.encoding(), headers);
            // the topic is part of the id: the stream holds every topic, and one event may travel on several (a
            // source topic and a subscriber's correlation topic); only copies on the same topic are duplicates
            headers.put(MSG_ID_HEADER, topic + " " + HeaderValues.encode(event.getSource().toString()) + " "
                    + HeaderValues.encode(event.getId()));
            if (key != null) {
                headers.put(KEY_HEADER, HeaderValues.encode(key));
            }
            return js.publishAsync(subject, headers, body, publishOptions)
                    .handle((ack, error) -> {
                        if (error != null) {
                            throw new java.util.concurrent.CompletionException(rejected(topic, subject, event, error));
                        }
                        return null;
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(rejected(topic, subject, event, e));
        }
    }

    private PublishRejectedException rejected(String topic, String subject, CloudEvent event, Throwable error) {
        Throwable cause = Lanes.unwrap(error);
        String hint = String.valueOf(cause.getMessage()).contains("503")
                ? " (no stream stores '" + subject + "': is stream '" + config.stream() + "' still there?)" : "";
        return new PublishRejectedException("NATS JetStream did not acknowledge event '" + event.getId() + "' on topic '"
                + topic + "' (subject '" + subject + "'): " + cause + hint + "; the event may not be stored, publish"
                + " it again (the stream drops the copy if the first one was stored)", cause);
    }

    private String[] subjects(String topic) {
        Objects.requireNonNull(topic, "topic");
        String[] known = subjects.get(topic); // the hot path: each topic's subjects are named and checked once
        if (known != null) {
            return known;
        }
        if (topic.length() > 200 || !NatsBusConfig.DOTTED.matcher(topic).matches()) {
            throw new IllegalArgumentException("topic '" + topic + "' cannot be part of a NATS subject: use up to 200"
                    + " characters, dot-separated tokens of letters, digits, '_' or '-' (no wildcards, no spaces)");
        }
        String[] names = new String[config.partitions()];
        for (int p = 0; p < names.length; p++) {
            names[p] = config.subject(topic, p);
        }
        if (subjects.size() < 100_000) {
            subjects.put(topic, names);
        }
        return names;
    }

    @Override
    public Subscription subscribe(String topic, String group, BusConsumer consumer) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(consumer, "consumer");
        if (group.isBlank()) {
            throw new IllegalArgumentException("consumer group name is empty; give each trigger input a group name");
        }
        subjects(topic);
        if (closed) {
            throw new IllegalStateException("cannot subscribe to topic '" + topic + "': the NATS event bus is closed");
        }
        String memberId = clientId + "-" + subscriptionCount.incrementAndGet();
        NatsSubscription subscription = new NatsSubscription(context, topic, group, memberId, consumer,
                subscriptions::remove);
        subscriptions.add(subscription);
        try {
            subscription.start();
        } catch (Exception e) {
            subscription.abort();
            throw new IllegalStateException("cannot subscribe to topic '" + topic + "' as group '" + group + "': "
                    + Lanes.unwrap(e), Lanes.unwrap(e));
        }
        if (closed) { // close() raced with us: do not leave a running member behind
            subscription.close();
            throw new IllegalStateException("cannot subscribe to topic '" + topic + "': the NATS event bus is closed");
        }
        return subscription;
    }

    private final NatsSubscription.BusContext context = new NatsSubscription.BusContext() {
        @Override
        public NatsBusConfig config() {
            return config;
        }

        @Override
        public JetStream jetStream() {
            return js;
        }

        @Override
        public JetStreamManagement management() {
            return controlJsm;
        }

        @Override
        public KeyValue leases() {
            return leases;
        }

        @Override
        public Streams streams() {
            return streams;
        }

        @Override
        public Function<Delivery, CompletionStage<Void>> handler(String topic, BusConsumer consumer) {
            return delivery -> handle(topic, consumer, delivery);
        }
    };

    private CompletionStage<Void> handle(String topic, BusConsumer consumer, Delivery delivery) {
        Object decoded = delivery.decoded;
        if (decoded == null) {
            decoded = decode(topic, delivery.message);
            delivery.decoded = decoded;
        }
        if (decoded instanceof PoisonMessage poison) {
            return poison(topic, consumer, poison, delivery.message);
        }
        return consumer.deliver((CloudEvent) decoded, delivery);
    }

    private static Object decode(String topic, Message message) {
        try {
            return CloudEventMessages.decode(message);
        } catch (RuntimeException e) {
            var meta = message.metaData();
            return new PoisonMessage(topic, message.getData(), CloudEventMessages.headersAsText(message),
                    "not a CloudEvent in the NATS protocol binding: " + e.getMessage(),
                    "stream " + meta.getStream() + " sequence " + meta.streamSequence() + " subject " + message.getSubject());
        }
    }

    private CompletionStage<Void> poison(String topic, BusConsumer consumer, PoisonMessage poison, Message message) {
        CompletionStage<Void> handled;
        try {
            handled = consumer.poison(poison);
        } catch (RuntimeException e) {
            handled = CompletableFuture.failedFuture(e);
        }
        return handled.handle((ignored, error) -> error).thenCompose(error -> {
            if (error == null) {
                return DONE;
            }
            String deadLetter = config.deadLetterSubject(topic);
            Headers headers = new Headers();
            if (message.getHeaders() != null) {
                message.getHeaders().entrySet().forEach(e -> headers.put(e.getKey(), e.getValue()));
            }
            headers.remove(MSG_ID_HEADER); // a dead letter is stored whatever its original id
            headers.put(POISON_REASON_HEADER, HeaderValues.encode(poison.reason()));
            headers.put(POISON_LOCATION_HEADER, HeaderValues.encode(poison.location()));
            log.warn("topic '{}': undecodable message at {} goes to '{}' ({}; the consumer's poison handling failed: {})",
                    topic, poison.location(), deadLetter, poison.reason(), Lanes.unwrap(error).toString());
            return js.publishAsync(deadLetter, headers, message.getData()).thenApply(ack -> (Void) null);
        });
    }

    /** The lane a message belongs to: its partition key, as the publisher chose it, else its sequence (no order). */
    static int laneHash(Message message) {
        Headers headers = message.getHeaders();
        String key = null;
        if (headers != null) {
            key = CloudEventMessages.first(headers, KEY_HEADER);
            if (key == null) {
                key = CloudEventMessages.first(headers, CloudEventMessages.PREFIX + PartitionKeys.PARTITION_KEY);
            }
            if (key == null) {
                key = CloudEventMessages.first(headers, CloudEventMessages.PREFIX + "subject");
            }
        }
        return key != null ? key.hashCode() : Long.hashCode(message.metaData().streamSequence());
    }

    private void keepAlive() {
        for (NatsSubscription s : subscriptions) {
            try {
                s.keepAlive();
            } catch (RuntimeException e) {
                log.debug("keep-alive of {} failed ({})", s, e.toString());
            }
        }
    }

    /** Live subscriptions, for tests. */
    Set<NatsSubscription> subscriptions() {
        return Set.copyOf(subscriptions);
    }

    /** Open, and both the bus's connection and its control connection report {@code CONNECTED}. */
    @Override
    public boolean connected() {
        return !closed && connection.getStatus() == Connection.Status.CONNECTED
                && control.getStatus() == Connection.Status.CONNECTED;
    }

    /**
     * The group's backlog on {@code topic} over all its partitions (per durable consumer: pending plus ack-pending
     * messages), as of the last heartbeat of a member of {@code group} open on this bus; empty when there is none
     * or it has no answer yet. Members of one group see the same group-wide figure, so the largest is taken.
     */
    @Override
    public OptionalLong consumerLag(String topic, String group) {
        long lag = -1;
        for (NatsSubscription subscription : subscriptions) {
            if (subscription.topic().equals(topic) && subscription.group().equals(group)) {
                lag = Math.max(lag, subscription.lag());
            }
        }
        return lag < 0 || closed ? OptionalLong.empty() : OptionalLong.of(lag);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (NatsSubscription s : List.copyOf(subscriptions)) {
            s.close();
        }
        shutdown();
    }

    /**
     * Stops the bus as a killed process would stop: no acknowledgement, NAK, lease or membership removal; unsettled
     * messages return after their ack wait and the leases expire after their TTL. Threads and the socket are released
     * so the JVM can go on. For fault tests.
     */
    void crash() {
        if (closed) {
            return;
        }
        closed = true;
        for (NatsSubscription s : List.copyOf(subscriptions)) {
            s.abort();
        }
        shutdown();
    }

    private void shutdown() {
        scheduler.shutdownNow();
        closeQuietly(connection);
        closeQuietly(control);
        try {
            scheduler.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.debug("closing the NATS connection failed ({})", e.toString());
        }
    }

    @Override
    public String toString() {
        return "NatsEventBus{" + clientId + ", " + config + "}";
    }
}
