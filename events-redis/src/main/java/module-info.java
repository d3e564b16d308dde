/**
 * Redis for Switchboard: {@link io.switchboard.redis.RedisEventBus}, an at-least-once event bus on Redis Streams
 * with consumer groups and key affinity across members, and {@link io.switchboard.redis.RedisEventSource}, which
 * turns pub/sub messages, keyspace notifications and entries of any stream into CloudEvents. Both are found by
 * {@link java.util.ServiceLoader} under the type {@code redis}.
 */
module io.switchboard.redis {
    requires transitive io.switchboard.api;
    requires io.switchboard.core;
    requires transitive io.cloudevents.core;
    requires io.cloudevents.formats.jackson;
    requires com.fasterxml.jackson.databind;
    requires lettuce.core;
    requires io.netty.common;
    requires org.slf4j;

    exports io.switchboard.redis;

    provides io.switchboard.spi.EventBusProvider with io.switchboard.redis.RedisEventBusProvider;
    provides io.switchboard.spi.EventSourceProvider with io.switchboard.redis.RedisEventSourceProvider;
}
