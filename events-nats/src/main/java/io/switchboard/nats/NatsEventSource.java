package io.switchboard.nats;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamInfo;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventSource;
import io.switchboard.api.SourceContext;
import io.switchboard.core.time.Schedulers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * An {@link EventSource} that turns NATS messages into CloudEvents, in one of two modes:
 * <ul>
 *   <li><b>core NATS</b> ({@link Builder#subjects}, wildcards {@code *} and {@code >} allowed, optionally in a queue
 *       group): <em>at-most-once</em>. Core NATS keeps nothing: a message published while the source is not
 *       subscribed, or one whose emit fails, is gone.</li>
 *   <li><b>JetStream</b> ({@link Builder#stream} with a durable consumer name and an optional subject filter):
 *       <em>at-least-once</em>. A message is acknowledged only after {@link SourceContext#emit} accepted its event; a
 *       failed emit is NAK'd with backoff and retried, never skipped; messages of one NATS subject are emitted in
 *       order; slow emits are kept alive with in-progress acks.</li>
 * </ul>
 * A message that is a CloudEvent in the NATS binding (binary {@code ce-} headers or structured
 * {@code Content-Type: application/cloudevents+json}) is emitted unchanged. Any other message becomes an event of type
 * {@value #MESSAGE_TYPE} (configurable) with id {@code <stream>-<sequence>} (JetStream; stable across redeliveries),
 * else its {@code Nats-Msg-Id} header, else a random UUID; source {@code nats:<stream>} or {@code nats:<subject>};
 * {@code subject} = the NATS subject; time = the stream's timestamp (JetStream); datacontenttype = its
 * {@code Content-Type} header; data = the payload; extensions {@value #SUBJECT_EXTENSION}, {@value #STREAM_EXTENSION}
 * and {@value #SEQUENCE_EXTENSION} (decimal string), and each header as {@code natsh<name>} (the header name in lower
 * case without characters other than letters and digits; several values joined with commas).
 *
 * <p>{@code start} and {@code close} are called by the runtime, never concurrently.
 */
public final class NatsEventSource implements EventSource {

    private static final Logger log = LoggerFactory.getLogger(NatsEventSource.class);

    /** The type of events made from messages that are not CloudEvents. */
    public static final String MESSAGE_TYPE = "io.switchboard.nats.message";
    public static final String SUBJECT_EXTENSION = "natssubject";
    public static final String STREAM_EXTENSION = "natsstream";
    public static final String SEQUENCE_EXTENSION = "natssequence";
    /** Prefix of the extensions that carry the message's headers. */
    public static final String HEADER_EXTENSION_PREFIX = "natsh";

    /** Text keys understood by {@link #fromMap}, besides {@code servers} and {@code io.nats.client.*} options. */
    public static final String SUBJECTS = "switchboard.subjects";
    public static final String QUEUE_GROUP = "switchboard.queue.group";
    public static final String STREAM = "switchboard.stream";
    public static final String DURABLE = "switchboard.durable";
    public static final String FILTER_SUBJECT = "switchboard.filter.subject";
    public static final String MESSAGE_TYPE_KEY = "switchboard.message.type";
    public static final String CONCURRENCY = "switchboard.concurrency";
    public static final String MAX_ACK_PENDING = "switchboard.max.ack.pending";
    public static final String ACK_WAIT = "switchboard.ack.wait";

    private static final Pattern WILDCARD_SUBJECT = Pattern.compile("([^\\s.*>]+|\\*)(\\.([^\\s.*>]+|\\*))*(\\.>)?|>");

    private final String name;
    private final List<String> servers;
    private final Map<String, String> connectionProperties;
    private final List<String> subjects;
    private final String queueGroup;
    private final String stream;
    private final String durable;
    private final String filterSubject;
    private final String messageType;
    private final int concurrency;
    private final int maxAckPending;
    private final Duration ackWait;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final AtomicLong emitFailures = new AtomicLong();
    private Connection connection;
    private PartitionConsumer consumer;
    private ThreadPoolExecutor workers;
    private Lanes lanes;
    private ScheduledThreadPoolExecutor keepAlive;

    private NatsEventSource(Builder b) {
        this.name = b.name;
        this.servers = List.copyOf(b.servers);
        this.connectionProperties = Map.copyOf(b.connectionProperties);
        this.subjects = List.copyOf(b.subjects);
        this.queueGroup = b.queueGroup;
        this.stream = b.stream;
        this.durable = b.durable != null ? b.durable : "switchboard-source-" + Names.token(b.name);
        this.filterSubject = b.filterSubject;
        this.messageType = b.messageType;
        this.concurrency = b.concurrency;
        this.maxAckPending = b.maxAckPending;
        this.ackWait = b.ackWait;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
    }

    /** A builder for a source called {@code name} (also its default bus topic). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A source from text settings, as given to {@link NatsEventSourceProvider}: {@code servers} (required), either
     * {@value #SUBJECTS} (comma-separated, core NATS) with an optional {@value #QUEUE_GROUP}, or {@value #STREAM} with
     * {@value #DURABLE} and an optional {@value #FILTER_SUBJECT} (JetStream); {@value #MESSAGE_TYPE_KEY},
     * {@value #CONCURRENCY}, {@value #MAX_ACK_PENDING}, {@value #ACK_WAIT}; {@code io.nats.client.*} connection options.
     *
     * @throws ConfigurationException naming the key whose value is invalid
     */
    public static NatsEventSource fromMap(String name, Map<String, String> config) {
        Objects.requireNonNull(config, "config");
        Builder b = builder(name);
        for (Map.Entry<String, String> e : config.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            switch (key) {
                case NatsBusConfig.SERVERS -> b.servers(value.split("\\s*,\\s*"));
                case SUBJECTS -> b.subjects(value.split("\\s*,\\s*"));
                case QUEUE_GROUP -> b.queueGroup(value);
                case STREAM -> b.stream(value);
                case DURABLE -> b.durable(value);
                case FILTER_SUBJECT -> b.filterSubject(value);
                case MESSAGE_TYPE_KEY -> b.messageType(value);
                case CONCURRENCY -> b.concurrency(NatsBusConfig.Texts.integer(key, value));
                case MAX_ACK_PENDING -> b.maxAckPending(NatsBusConfig.Texts.integer(key, value));
                case ACK_WAIT -> b.ackWait(NatsBusConfig.Texts.duration(key, value));
                default -> {
                    if (key.startsWith("io.nats.client.")) {
                        b.connectionProperty(key, value);
                    } else {
                        throw new ConfigurationException("unknown NATS source setting '" + key + "' for source '" + name
                                + "'; known: " + List.of(NatsBusConfig.SERVERS, SUBJECTS, QUEUE_GROUP, STREAM, DURABLE,
                                FILTER_SUBJECT, MESSAGE_TYPE_KEY, CONCURRENCY, MAX_ACK_PENDING, ACK_WAIT)
                                + " and io.nats.client.* options");
                    }
                }
            }
        }
        return b.build();
    }

    @Override
    public String name() {
        return name;
    }

    /** Emits whose stage failed; in core mode those events are lost (at-most-once). */
    public long emitFailures() {
        return emitFailures.get();
    }

    @Override
    public void start(SourceContext context) throws Exception {
        Objects.requireNonNull(context, "context");
        if (connection != null) {
            throw new IllegalStateException("NATS source '" + name + "' is already started");
        }
        String clientName = "switchboard-source-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Properties p = new Properties();
        p.putAll(connectionProperties);
        Options.Builder options = new Options.Builder(p).servers(servers.toArray(String[]::new)).connectionName(clientName);
        if (!connectionProperties.containsKey("io.nats.client.reconnect.max")) {
            options.maxReconnects(-1);
        }
        try {
            connection = Nats.connect(options.build());
        } catch (IOException e) {
            throw new ConfigurationException("NATS source '" + name + "' cannot connect to " + servers + ": "
                    + e.getMessage() + "; start the server or correct 'servers'", e);
        }
        try {
            if (stream == null) {
                startCore(context);
            } else {
                startJetStream(context, clientName);
            }
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private void startCore(SourceContext context) {
        Dispatcher dispatcher = connection.createDispatcher(message -> {
            CloudEvent event;
            try {
                event = toEvent(message, null, 0);
            } catch (RuntimeException e) {
                emitFailures.incrementAndGet();
                log.warn("NATS source '{}': message on '{}' dropped, it cannot become a CloudEvent: {}", name,
                        message.getSubject(), e.toString());
                return;
            }
            context.emit(event).whenComplete((ignored, error) -> {
                if (error != null) {
                    emitFailures.incrementAndGet();
                    log.warn("NATS source '{}': event '{}' from '{}' was not accepted and is lost (core NATS is"
                            + " at-most-once): {}", name, event.getId(), message.getSubject(), String.valueOf(Lanes.unwrap(error)));
                }
            });
        });
        for (String subject : subjects) {
            if (queueGroup != null) {
                dispatcher.subscribe(subject, queueGroup);
            } else {
                dispatcher.subscribe(subject);
            }
        }
        try {
            connection.flush(Duration.ofSeconds(5)); // the subscriptions are live on the server when start returns
        } catch (Exception e) {
            throw new IllegalStateException("NATS source '" + name + "': subscribing to " + subjects + " was not"
                    + " confirmed by the server: " + e, e);
        }
    }

    private void startJetStream(SourceContext context, String clientName) throws Exception {
        JetStreamManagement jsm = connection.jetStreamManagement();
        JetStream js = connection.jetStream();
        StreamInfo info;
        try {
            info = jsm.getStreamInfo(stream);
        } catch (JetStreamApiException e) {
            throw new ConfigurationException("NATS source '" + name + "': stream '" + stream + "' cannot be read ("
                    + e.getMessage() + "); create it, or correct '" + STREAM + "'", e);
        } catch (IOException e) {
            throw new ConfigurationException("NATS source '" + name + "': the server has no JetStream (" + e.getMessage()
                    + "); start nats-server with -js, or use core subjects ('" + SUBJECTS + "')", e);
        }
        String filter = filterSubject != null ? filterSubject
                : info.getConfiguration().getSubjects().size() == 1 ? info.getConfiguration().getSubjects().get(0) : null;
        ConsumerConfiguration.Builder cc = ConsumerConfiguration.builder().durable(durable).ackPolicy(AckPolicy.Explicit)
                .ackWait(ackWait).maxAckPending(maxAckPending).deliverPolicy(DeliverPolicy.All).maxDeliver(-1);
        if (filterSubject != null) {
            cc.filterSubject(filterSubject);
        }
        try {
            jsm.addOrUpdateConsumer(stream, cc.build());
        } catch (JetStreamApiException e) {
            throw new ConfigurationException("NATS source '" + name + "': cannot create durable consumer '" + durable
                    + "' on stream '" + stream + "': " + e.getMessage() + " (an existing consumer of that name with"
                    + " other settings must be deleted, or choose another '" + DURABLE + "')", e);
        }
        workers = new ThreadPoolExecutor(concurrency, concurrency, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Schedulers.daemonThreads(clientName + "-worker"));
        workers.allowCoreThreadTimeOut(true);
        lanes = new Lanes(concurrency, workers, delivery -> {
            CloudEvent event = (CloudEvent) delivery.decoded;
            if (event == null) {
                event = toEvent(delivery.message, stream, delivery.sequence);
                delivery.decoded = event;
            }
            return context.emit(event);
        }, initialBackoff, maxBackoff, "NATS source '" + name + "'");
        consumer = new PartitionConsumer(0, stream, durable, filter, js, jsm, lanes, Math.min(256, maxAckPending),
                message -> message.getSubject().hashCode(), clientName);
        consumer.start(false);
        keepAlive = new ScheduledThreadPoolExecutor(1, Schedulers.daemonThreads(clientName + "-keepalive"));
        long period = ackWait.toMillis() / 3;
        keepAlive.scheduleWithFixedDelay(consumer::keepAlive, period, period, TimeUnit.MILLISECONDS);
    }

    /** The event a message stands for: itself if it is a CloudEvent in the NATS binding, else a wrapping one. */
    CloudEvent toEvent(Message message, String fromStream, long sequence) {
        if (CloudEventMessages.isCloudEvent(message)) {
            try {
                return CloudEventMessages.decode(message);
            } catch (IllegalArgumentException e) {
                log.debug("NATS source '{}': message on '{}' claims to be a CloudEvent but is not ({}); wrapped",
                        name, message.getSubject(), e.getMessage());
            }
        }
        Map<String, String> headers = CloudEventMessages.headersAsText(message);
        String id;
        if (fromStream != null) {
            id = fromStream + "-" + sequence;
        } else {
            String msgId = headers.get(NatsEventBus.MSG_ID_HEADER);
            id = msgId != null ? msgId : UUID.randomUUID().toString();
        }
        CloudEventBuilder b = CloudEventBuilder.v1().withId(id).withType(messageType)
                .withSource(URI.create("nats:" + (fromStream != null ? fromStream : message.getSubject())))
                .withSubject(message.getSubject())
                .withExtension(SUBJECT_EXTENSION, message.getSubject());
        if (fromStream != null) {
            b.withExtension(STREAM_EXTENSION, fromStream).withExtension(SEQUENCE_EXTENSION, Long.toString(sequence));
            b.withTime(message.metaData().timestamp().toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC));
        }
        headers.forEach((header, value) -> {
            if (header.equalsIgnoreCase(CloudEventMessages.CONTENT_TYPE)) {
                b.withDataContentType(value);
            }
            String extension = HEADER_EXTENSION_PREFIX + header.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
            if (extension.length() > HEADER_EXTENSION_PREFIX.length()) {
                b.withExtension(extension, value);
            }
        });
        byte[] data = message.getData();
        if (data != null && data.length > 0) {
            b.withData(data);
        }
        return b.build();
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.stopPulling();
            consumer.awaitPuller();
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (consumer.running() > 0 && System.nanoTime() - deadline < 0) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            consumer.giveBack();
            consumer = null;
        }
        if (lanes != null) {
            lanes.stop();
        }
        if (keepAlive != null) {
            keepAlive.shutdownNow();
            keepAlive = null;
        }
        if (workers != null) {
            workers.shutdown();
            workers = null;
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            connection = null;
        }
    }

    @Override
    public String toString() {
        return "NatsEventSource{" + name + ", " + (stream != null ? "stream=" + stream + ", durable=" + durable
                : "subjects=" + subjects + (queueGroup != null ? ", queue=" + queueGroup : "")) + "}";
    }

    /** Builds a {@link NatsEventSource}; setters check their argument, {@link #build()} the whole. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private List<String> servers;
        private final Map<String, String> connectionProperties = new LinkedHashMap<>();
        private final List<String> subjects = new ArrayList<>();
        private String queueGroup;
        private String stream;
        private String durable;
        private String filterSubject;
        private String messageType = MESSAGE_TYPE;
        private int concurrency = 16;
        private int maxAckPending = 1000;
        private Duration ackWait = Duration.ofSeconds(30);
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new ConfigurationException("a NATS source needs a name");
            }
            this.name = name;
        }

        /** The servers, as URLs ({@code nats://host:4222}). Required. */
        public Builder servers(String... servers) {
            this.servers = NatsBusConfig.builder().servers(servers).build().servers();
            return this;
        }

        /** Core NATS subjects to subscribe to; wildcards {@code *} and {@code >} allowed. At-most-once. */
        public Builder subjects(String... subjects) {
            for (String subject : subjects) {
                if (subject == null || !WILDCARD_SUBJECT.matcher(subject).matches()) {
                    throw new ConfigurationException("NATS source '" + name + "': '" + subject + "' is not a NATS"
                            + " subject (dot-separated tokens; '*' for one token, '>' for the rest, at the end)");
                }
                this.subjects.add(subject);
            }
            return this;
        }

        /** A queue group for the core subscriptions: instances in one group share the messages. */
        public Builder queueGroup(String queueGroup) {
            if (queueGroup == null || queueGroup.isBlank() || queueGroup.contains(" ")) {
                throw new ConfigurationException("NATS source '" + name + "': queue group '" + queueGroup
                        + "' is invalid: give a name without spaces");
            }
            this.queueGroup = queueGroup;
            return this;
        }

        /** An existing JetStream stream to consume (at-least-once) instead of core subjects. */
        public Builder stream(String stream) {
            if (stream == null || !stream.matches("[A-Za-z0-9_-]{1,200}")) {
                throw new ConfigurationException("NATS source '" + name + "': stream name '" + stream + "' is invalid:"
                        + " use letters, digits, '_' or '-'");
            }
            this.stream = stream;
            return this;
        }

        /** The durable consumer's name (created if missing); default {@code switchboard-source-<name>}. */
        public Builder durable(String durable) {
            if (durable == null || !durable.matches("[A-Za-z0-9_-]{1,200}")) {
                throw new ConfigurationException("NATS source '" + name + "': durable name '" + durable + "' is invalid:"
                        + " use letters, digits, '_' or '-'");
            }
            this.durable = durable;
            return this;
        }

        /** The subjects of the stream to consume (wildcards allowed); default all of them. */
        public Builder filterSubject(String filter) {
            if (filter == null || !WILDCARD_SUBJECT.matcher(filter).matches()) {
                throw new ConfigurationException("NATS source '" + name + "': filter subject '" + filter + "' is not a"
                        + " NATS subject");
            }
            this.filterSubject = filter;
            return this;
        }

        /** The CloudEvent type of messages that are not CloudEvents; default {@value #MESSAGE_TYPE}. */
        public Builder messageType(String type) {
            if (type == null || type.isBlank()) {
                throw new ConfigurationException("NATS source '" + name + "': message type is empty");
            }
            this.messageType = type;
            return this;
        }

        /** JetStream mode: subjects emitted at once (lanes); default 16. One subject's messages stay in order. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1024) {
                throw new ConfigurationException("NATS source '" + name + "': concurrency must be 1 to 1024, got "
                        + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** JetStream mode: emits outstanding before the server stops delivering; default 1000. */
        public Builder maxAckPending(int maxAckPending) {
            if (maxAckPending < 1) {
                throw new ConfigurationException("NATS source '" + name + "': max ack pending must be at least 1, got "
                        + maxAckPending);
            }
            this.maxAckPending = maxAckPending;
            return this;
        }

        /** JetStream mode: the consumer's ack wait (in-progress acks every third of it); default 30 s, at least 1 s. */
        public Builder ackWait(Duration ackWait) {
            if (ackWait == null || ackWait.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new ConfigurationException("NATS source '" + name + "': ack wait must be at least 1 s, got " + ackWait);
            }
            this.ackWait = ackWait;
            return this;
        }

        /** JetStream mode: delay before a message whose emit failed comes back; 100 ms doubling to 10 s. */
        public Builder retryBackoff(Duration initial, Duration max) {
            if (initial == null || max == null || initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new ConfigurationException("NATS source '" + name + "': retry backoff must satisfy"
                        + " 0 < initial <= max, got " + initial + " and " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** A jnats connection option ({@code io.nats.client.*}). */
        public Builder connectionProperty(String key, String value) {
            if (key == null || !key.startsWith("io.nats.client.")) {
                throw new ConfigurationException("NATS source '" + name + "': connection property '" + key
                        + "' must be a jnats option (io.nats.client.*)");
            }
            connectionProperties.put(key, Objects.requireNonNull(value, key));
            return this;
        }

        public NatsEventSource build() {
            if (servers == null) {
                throw new ConfigurationException("NATS source '" + name + "' needs 'servers' (nats://host:4222)");
            }
            if (subjects.isEmpty() == (stream == null)) {
                throw new ConfigurationException("NATS source '" + name + "' needs either subjects(...) (core NATS,"
                        + " at-most-once) or stream(...) (JetStream, at-least-once), not "
                        + (stream == null ? "neither" : "both"));
            }
            if (stream == null && (durable != null || filterSubject != null)) {
                throw new ConfigurationException("NATS source '" + name + "': durable and filter subject apply to a"
                        + " JetStream stream; set stream(...) too, or remove them");
            }
            if (stream != null && queueGroup != null) {
                throw new ConfigurationException("NATS source '" + name + "': a queue group applies to core subjects;"
                        + " instances sharing a durable consumer already share its messages");
            }
            return new NatsEventSource(this);
        }
    }
}
