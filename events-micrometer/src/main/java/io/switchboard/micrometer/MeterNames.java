package io.switchboard.micrometer;

/**
 * The names and tags of every meter, in Micrometer's convention (dot-separated, lowercase; a registry renders them
 * in its own, e.g. Prometheus {@code switchboard_subscriber_delivered_total}). Tags are configuration names only
 * (trigger, subscriber, source, bus, topic, group, outcome), never an event's id or subject, so their cardinality is
 * bounded by the configuration. The table with each meter's meaning is in docs/observability.md.
 */
public final class MeterNames {

    /** Tag: the trigger's name. */
    public static final String TRIGGER = "trigger";
    /** Tag: the subscriber's name. */
    public static final String SUBSCRIBER = "subscriber";
    /** Tag: the source's name. */
    public static final String SOURCE = "source";
    /** Tag: the bus's name. */
    public static final String BUS = "bus";
    /** Tag: the bus topic. */
    public static final String TOPIC = "topic";
    /** Tag: the consumer group. */
    public static final String GROUP = "group";
    /** Tag of {@link #HANDLER_DURATION}: {@code success} or {@code failure}. */
    public static final String OUTCOME = "outcome";

    public static final String RECEIVED = "switchboard.subscriber.received";
    public static final String MATCHED = "switchboard.subscriber.matched";
    public static final String FIRED = "switchboard.subscriber.fired";
    public static final String DELIVERED = "switchboard.subscriber.delivered";
    public static final String FAILED = "switchboard.subscriber.failed.attempts";
    public static final String RETRIED = "switchboard.subscriber.retries";
    public static final String DEAD_LETTERED = "switchboard.subscriber.dead.lettered";
    public static final String REJECTED = "switchboard.subscriber.rejected";
    public static final String QUEUE_DEPTH = "switchboard.subscriber.queue.depth";
    public static final String QUEUE_CAPACITY = "switchboard.subscriber.queue.capacity";
    public static final String IN_FLIGHT = "switchboard.subscriber.in.flight";
    public static final String CORRELATION_KEYS = "switchboard.subscriber.correlation.keys";
    public static final String HANDLER_DURATION = "switchboard.handler.duration";
    public static final String EVENT_LATENCY = "switchboard.event.latency";
    public static final String SOURCE_EMITTED = "switchboard.source.emitted";
    public static final String SOURCE_REJECTED = "switchboard.source.rejected";
    public static final String BUS_CONNECTED = "switchboard.bus.connected";
    public static final String BUS_CONSUMER_LAG = "switchboard.bus.consumer.lag";
    public static final String POISONED = "switchboard.poisoned";
    public static final String READY = "switchboard.ready";

    private MeterNames() {
    }
}
