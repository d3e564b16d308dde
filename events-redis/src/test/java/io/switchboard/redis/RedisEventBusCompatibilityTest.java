package io.switchboard.redis;

import io.switchboard.api.EventBus;
import io.switchboard.test.EventBusCompatibilityKit;
import org.junit.jupiter.api.AfterAll;

import java.time.Duration;
import java.util.Map;

/** {@link RedisEventBus} passes the bus compatibility kit against the machine's Redis server. */
class RedisEventBusCompatibilityTest extends EventBusCompatibilityKit {

    private static final String PREFIX = TestRedis.prefix(RedisEventBusCompatibilityTest.class);

    @AfterAll
    static void removeKeys() {
        if (Boolean.getBoolean("keep.keys")) {
            return; // -Dkeep.keys=true keeps the streams for inspection after a failure (with -Dswitchboard.kit.only=…)
        }
        try (TestRedis.Raw raw = TestRedis.raw()) {
            raw.deleteAll(PREFIX);
        }
    }

    @Override
    protected EventBus createBus() {
        return RedisEventBus.create(TestRedis.fastBus(PREFIX).build());
    }

    @Override
    protected void publishRaw(String topic, byte[] bytes) {
        try (TestRedis.Raw raw = TestRedis.raw()) {
            raw.xadd(TestRedis.fastBus(PREFIX).build().streamKey(topic, 0), Map.of(EntryFormat.DATA, bytes));
        }
    }

    /** Ends the bus like a killed process: no acknowledgement, no lease released, no clean leave. */
    @Override
    protected void crash(EventBus bus) {
        ((RedisEventBus) bus).abort();
    }

    /** A crashed member's shards come back once their leases expire, then at the next heartbeat of a live member. */
    @Override
    protected Duration redeliveryTimeout() {
        return Duration.ofMillis(2000 + 667 + 1000);
    }

    @Override
    protected boolean extensionsKeepTheirTypes() {
        return false; // binary mode carries extensions as text fields
    }

    @Override
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(20);
    }

    @Override
    protected Duration quietPeriod() {
        return Duration.ofMillis(500);
    }

    /** Only the bus's own threads count: they are all named after it. */
    @Override
    protected boolean isOutsideTheBus(Thread thread) {
        return !thread.getName().contains("switchboard-redis-bus-") || super.isOutsideTheBus(thread);
    }
}
