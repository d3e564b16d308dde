/**
 * Redis Streams event bus ({@link io.switchboard.redis.RedisEventBus}, configured by
 * {@link io.switchboard.redis.RedisBusConfig}) and Redis event source ({@link io.switchboard.redis.RedisEventSource}).
 * See {@code docs/redis.md}.
 */
package io.switchboard.redis;
