/**
 * Redis Streams event bus ({@link io.switchboard.redis.RedisEventBus}, configured by
 * {@link io.switchboard.redis.RedisBusConfig}) and Redis event source ({@link io.switchboard.redis.RedisEventSource}).
 * See {@code docs/redis.md}.
 *
 * <p>Start by declaring the bus by type: {@code Switchboard.builder().bus("orders", "redis", config)}, with the
 * configuration keys of {@link io.switchboard.redis.RedisBusConfig}; or build one with
 * {@link io.switchboard.redis.RedisBusConfig#builder()} and
 * {@link io.switchboard.redis.RedisEventBus#create(RedisBusConfig)}. A source of this broker's messages starts with
 * {@link io.switchboard.redis.RedisEventSource#builder(String)}.
 */
package io.switchboard.redis;
