package io.switchboard.redis;

import io.switchboard.api.EventBus;

/**
 * Crashes a {@link RedisEventBus} in tests, from any package: the bus ends the way a killed process would (no
 * acknowledgement, leases left to expire, no clean leave), while its threads and connections are released so the test
 * JVM goes on. Other members take the crashed member's shards once its leases expire.
 */
public final class RedisCrash {

    private RedisCrash() {
    }

    /**
     * Crashes {@code bus}, which must be a {@link RedisEventBus}.
     *
     * @throws IllegalArgumentException if {@code bus} is another kind of bus
     */
    public static void crash(EventBus bus) {
        if (!(bus instanceof RedisEventBus redis)) {
            throw new IllegalArgumentException("RedisCrash.crash needs a RedisEventBus, got " + bus);
        }
        redis.abort();
    }

    /** The settings the bus tests use (fast leases and retries) for the machine's server, under {@code prefix}. */
    public static RedisBusConfig.Builder fastBus(String prefix) {
        return TestRedis.fastBus(prefix);
    }

    /** Deletes every key of the machine's server that starts with {@code prefix}. */
    public static void deleteAll(String prefix) {
        try (TestRedis.Raw raw = TestRedis.raw()) {
            raw.deleteAll(prefix);
        }
    }
}
