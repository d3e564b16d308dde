package io.switchboard.core.internal.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of each source and bus kind in a configuration file, and the provider key each becomes. Field names
 * follow OpenFunction's where the meaning is the same ({@code brokers}, {@code topic}, {@code schedule},
 * {@code natsURL}, {@code redisHost}, …); {@code properties} passes provider keys through verbatim. The JSON Schema
 * of the file is checked against these tables by a test, so the two cannot drift apart.
 */
final class Kinds {

    /** A field's type; {@code SCHEMAS} is a mapping of routes to JSON Schemas, each becoming {@code schema.<route>.<form>}. */
    enum Type { TEXT, INTEGER, BOOLEAN, DURATION, LIST, CRON, SCHEMAS }

    /**
     * One field.
     *
     * @param key      the provider key it becomes, or {@code null} for fields combined into other keys (see
     *                 {@link ConfigBinder})
     * @param required whether the kind needs it
     */
    record Field(String name, String key, Type type, boolean required) {
    }

    /** The module that provides each kind that events-core does not. */
    static final Map<String, String> MODULES = Map.of("kafka", "events-kafka", "nats", "events-nats",
            "redis", "events-redis");

    /** Source kinds, in the order documented. */
    static final Map<String, List<Field>> SOURCES = new LinkedHashMap<>();
    /** Bus kinds. */
    static final Map<String, List<Field>> BUSES = new LinkedHashMap<>();

    static {
        List<Field> tick = List.of(f("data", "data"), f("dataContentType", "data.content-type"), f("type", "type"),
                f("source", "source"), f("misfire", "misfire"));
        SOURCES.put("cron", concat(List.of(new Field("schedule", "schedule", Type.CRON, true), f("zone", "zone")), tick));
        SOURCES.put("timer", concat(List.of(d("fixedRate", "fixed-rate"), d("fixedDelay", "fixed-delay")), tick));
        SOURCES.put("http", List.of(f("host", "host"), i("port", "port"), i("maxBodySize", "max-body-size"),
                i("maxBatchEvents", "max-batch-events"), d("requestTimeout", "request-timeout"),
                f("bearerToken", "auth.bearer-token"), f("hmacSecret", "auth.hmac-secret"),
                f("hmacHeader", "auth.hmac-header"), l("callbackAllow", "callback.allow"),
                new Field("schemas", null, Type.SCHEMAS, false)));
        SOURCES.put("kafka", List.of(new Field("brokers", "bootstrap.servers", Type.TEXT, true),
                l("topic", "switchboard.topics"), f("topicPattern", "switchboard.topic.pattern"),
                f("consumerGroup", "group.id"), i("maxMessageBytes", "max.partition.fetch.bytes"),
                new Field("authRequired", null, Type.BOOLEAN, false), new Field("saslUsername", null, Type.TEXT, false),
                new Field("saslPassword", null, Type.TEXT, false), i("batchSize", "switchboard.batch.size"),
                i("concurrency", "switchboard.concurrency")));
        SOURCES.put("nats", List.of(new Field("natsURL", "servers", Type.TEXT, true), l("subject", "switchboard.subjects"),
                f("queueGroup", "switchboard.queue.group"), f("stream", "switchboard.stream"),
                f("durableSubscriptionName", "switchboard.durable"), f("filterSubject", "switchboard.filter.subject"),
                d("ackWaitTime", "switchboard.ack.wait"), i("maxInFlight", "switchboard.max.ack.pending"),
                i("concurrency", "switchboard.concurrency")));
        SOURCES.put("redis", concat(redisConnection(), List.of(l("channels", "switchboard.channels"),
                l("patterns", "switchboard.patterns"), f("stream", "switchboard.stream"),
                f("consumerGroup", "switchboard.stream.group"), f("streamStart", "switchboard.stream.start"),
                f("keyspacePattern", "switchboard.keyspace.pattern"), l("keyspaceEvents", "switchboard.keyspace.events"),
                i("maxInFlight", "switchboard.max.in.flight"))));

        BUSES.put("memory", List.of(i("partitions", "partitions"), i("capacity", "capacity"),
                i("maxDeliveries", "maxDeliveries"), d("redeliveryBackoff", "redeliveryBackoff")));
        BUSES.put("kafka", List.of(new Field("brokers", "bootstrap.servers", Type.TEXT, true),
                f("topicPrefix", "switchboard.topic.prefix"), i("partitions", "switchboard.topic.partitions"),
                f("encoding", "switchboard.encoding"), i("concurrency", "switchboard.concurrency"),
                new Field("authRequired", null, Type.BOOLEAN, false), new Field("saslUsername", null, Type.TEXT, false),
                new Field("saslPassword", null, Type.TEXT, false)));
        BUSES.put("nats", List.of(new Field("natsURL", "servers", Type.TEXT, true),
                f("subjectPrefix", "switchboard.subject.prefix"), f("stream", "switchboard.stream"),
                i("partitions", "switchboard.partitions"), f("encoding", "switchboard.encoding"),
                i("concurrency", "switchboard.concurrency"), i("maxInFlight", "switchboard.max.ack.pending"),
                d("ackWaitTime", "switchboard.ack.wait")));
        BUSES.put("redis", concat(redisConnection(), List.of(f("keyPrefix", "switchboard.key.prefix"),
                i("shards", "switchboard.shards"), f("encoding", "switchboard.encoding"),
                i("concurrency", "switchboard.concurrency"))));
    }

    private Kinds() {
    }

    private static List<Field> redisConnection() {
        return List.of(new Field("redisHost", null, Type.TEXT, true), f("redisUsername", "redis.username"),
                f("redisPassword", "redis.password"), new Field("redisDB", null, Type.INTEGER, false),
                new Field("enableTLS", null, Type.BOOLEAN, false));
    }

    private static Field f(String name, String key) {
        return new Field(name, key, Type.TEXT, false);
    }

    private static Field i(String name, String key) {
        return new Field(name, key, Type.INTEGER, false);
    }

    private static Field d(String name, String key) {
        return new Field(name, key, Type.DURATION, false);
    }

    private static Field l(String name, String key) {
        return new Field(name, key, Type.LIST, false);
    }

    private static List<Field> concat(List<Field> a, List<Field> b) {
        List<Field> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
