package io.switchboard.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The machine's Redis on 127.0.0.1:6379, as the tests use it: a key prefix per test class (removed afterwards) and
 * bus settings that make leases, retries and closing fast.
 */
final class TestRedis {

    static final String URI = "redis://127.0.0.1:6379";

    private TestRedis() {
    }

    /** A prefix no other test class or run uses. */
    static String prefix(Class<?> testClass) {
        return "sbtest:" + testClass.getSimpleName() + ":" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    static RedisBusConfig.Builder fastBus(String uri, String prefix) {
        return RedisBusConfig.builder()
                .uri(uri)
                .keyPrefix(prefix)
                .shards(4)
                .leaseTime(Duration.ofMillis(2000))
                .commandTimeout(Duration.ofMillis(1000))
                .revokeTimeout(Duration.ofSeconds(1))
                .closeTimeout(Duration.ofSeconds(2))
                .trimInterval(Duration.ofSeconds(2))
                .redeliveryBackoff(Duration.ofMillis(20), Duration.ofMillis(500));
    }

    static RedisBusConfig.Builder fastBus(String prefix) {
        return fastBus(URI, prefix);
    }

    /** A plain client for test set-up and checks; the caller closes it. */
    static Raw raw(String uri) {
        RedisClient client = RedisClient.create(uri);
        return new Raw(client, client.connect(RedisClients.CODEC));
    }

    static Raw raw() {
        return raw(URI);
    }

    /** A raw connection with its client. */
    record Raw(RedisClient client, StatefulRedisConnection<String, byte[]> connection) implements AutoCloseable {
        RedisCommands<String, byte[]> sync() {
            return connection.sync();
        }

        String xadd(String stream, Map<String, byte[]> fields) {
            return sync().xadd(stream, fields);
        }

        /** Deletes every key that starts with {@code prefix}. */
        void deleteAll(String prefix) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
                List<String> keys = page.getKeys();
                if (!keys.isEmpty()) {
                    sync().del(keys.toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
