package io.switchboard.redis;

import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventBus;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.spi.EventBusProvider;
import io.cloudevents.core.builder.CloudEventBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings from text and builders, and the errors a misconfigured bus reports: each names the setting and the fix. */
class RedisBusConfigTest {

    private static final String PREFIX = TestRedis.prefix(RedisBusConfigTest.class);

    @AfterAll
    static void removeKeys() {
        try (TestRedis.Raw raw = TestRedis.raw()) {
            raw.deleteAll(PREFIX);
        }
    }

    private static Map<String, String> settings(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        map.put(RedisBusConfig.URI, TestRedis.URI);
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    @Test
    void readsEverySettingFromText() {
        RedisBusConfig config = RedisBusConfig.fromMap(settings(
                RedisBusConfig.KEY_PREFIX, "app:", RedisBusConfig.SHARDS, "12", RedisBusConfig.ENCODING, "structured",
                RedisBusConfig.CONCURRENCY, "4", RedisBusConfig.MAX_IN_FLIGHT, "50", RedisBusConfig.BATCH_SIZE, "20",
                RedisBusConfig.REDELIVERY_INITIAL_BACKOFF, "PT0.05S", RedisBusConfig.REDELIVERY_MAX_BACKOFF, "2000",
                RedisBusConfig.LEASE_TIME, "PT20S", RedisBusConfig.DUPLICATES_WINDOW, "PT1M",
                RedisBusConfig.DEAD_LETTER_STREAM, "app:dlq", RedisBusConfig.RETENTION, "max-length",
                RedisBusConfig.RETENTION_MAX_LENGTH, "100000", RedisBusConfig.WAIT_REPLICAS, "1",
                RedisBusConfig.WAIT_TIMEOUT, "250", RedisBusConfig.CLOSE_TIMEOUT, "PT3S",
                RedisBusConfig.PUBLISH_TIMEOUT, "PT45S"));
        assertThat(config.keyPrefix()).isEqualTo("app:");
        assertThat(config.shards()).isEqualTo(12);
        assertThat(config.streamKey("orders", 3)).isEqualTo("app:orders:3");
        assertThat(config.encoding()).isEqualTo(RedisBusConfig.Encoding.STRUCTURED);
        assertThat(config.concurrency()).isEqualTo(4);
        assertThat(config.maxInFlight()).isEqualTo(50);
        assertThat(config.batchSize()).isEqualTo(20);
        assertThat(config.initialBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.maxBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.leaseTime()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.duplicatesWindow()).contains(Duration.ofMinutes(1));
        assertThat(config.deadLetterStream()).isEqualTo("app:dlq");
        assertThat(config.retention()).isEqualTo(RedisBusConfig.Retention.MAX_LENGTH);
        assertThat(config.retentionMaxLength()).isEqualTo(100_000);
        assertThat(config.waitReplicas()).isEqualTo(1);
        assertThat(config.waitTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.closeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.publishTimeout()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void badValuesNameTheSettingAndTheFix() {
        assertThatThrownBy(() -> RedisBusConfig.fromMap(Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(RedisBusConfig.URI)
                .hasMessageContaining("redis://host:6379");
        assertThatThrownBy(() -> RedisBusConfig.fromMap(Map.of(RedisBusConfig.URI, "localhost:6379")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(RedisBusConfig.URI)
                .hasMessageContaining("redis://host:6379");
        assertThatThrownBy(() -> RedisBusConfig.fromMap(settings(RedisBusConfig.SHARDS, "eight")))
                .hasMessageContaining("'" + RedisBusConfig.SHARDS + "'").hasMessageContaining("integer");
        assertThatThrownBy(() -> RedisBusConfig.fromMap(settings(RedisBusConfig.SHARDS, "0")))
                .hasMessageContaining(RedisBusConfig.SHARDS).hasMessageContaining("between 1 and 1024");
        assertThatThrownBy(() -> RedisBusConfig.fromMap(settings(RedisBusConfig.LEASE_TIME, "100")))
                .hasMessageContaining(RedisBusConfig.LEASE_TIME).hasMessageContaining("at least 300 ms");
        assertThatThrownBy(() -> RedisBusConfig.fromMap(settings(RedisBusConfig.LEASE_TIME, "ten seconds")))
                .hasMessageContaining(RedisBusConfig.LEASE_TIME).hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> RedisBusConfig.fromMap(settings(RedisBusConfig.ENCODING, "xml")))
                .hasMessageContaining(RedisBusConfig.ENCODING).hasMessageContaining("binary, structured");
        assertThatThrownBy(() -> RedisBusConfig.fromMap(settings(RedisBusConfig.RETENTION, "max-length")))
                .hasMessageContaining(RedisBusConfig.RETENTION_MAX_LENGTH);
        assertThatThrownBy(() -> RedisBusConfig.fromMap(settings("switchboard.shard", "4")))
                .hasMessageContaining("unknown Redis bus setting 'switchboard.shard'")
                .hasMessageContaining(RedisBusConfig.SHARDS);
        assertThatThrownBy(() -> RedisBusConfig.fromMap(settings(RedisBusConfig.COMMAND_TIMEOUT, "PT20S")))
                .hasMessageContaining(RedisBusConfig.COMMAND_TIMEOUT).hasMessageContaining(RedisBusConfig.LEASE_TIME);
        assertThatThrownBy(() -> RedisBusConfig.fromMap(settings(RedisBusConfig.REDELIVERY_INITIAL_BACKOFF, "PT5S",
                RedisBusConfig.REDELIVERY_MAX_BACKOFF, "PT1S")))
                .hasMessageContaining(RedisBusConfig.REDELIVERY_INITIAL_BACKOFF).hasMessageContaining("initial <= max");
    }

    @Test
    void serviceLoaderFindsTheBusUnderTypeRedis() {
        EventBusProvider provider = ServiceLoader.load(EventBusProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.type().equals("redis")).findFirst().orElseThrow();
        try (EventBus bus = provider.create(settings(RedisBusConfig.KEY_PREFIX, PREFIX))) {
            assertThat(bus).isInstanceOf(RedisEventBus.class);
            assertThat(bus.type()).isEqualTo("redis");
        }
    }

    @Test
    void unreachableServerIsReportedWithTheSettingToCheck() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String uri = "redis://127.0.0.1:" + port;
        assertThatThrownBy(() -> RedisEventBus.create(TestRedis.fastBus(uri, PREFIX).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot connect to Redis at 127.0.0.1:" + port)
                .hasMessageContaining("check '" + RedisBusConfig.URI + "'");
    }

    @Test
    void wrongOrMissingPasswordIsReportedWithTheSettingToFix() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.start("--requirepass", "s3cret")) {
            assertThatThrownBy(() -> RedisEventBus.create(TestRedis.fastBus(server.uri(), PREFIX).password("wrong").build()))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("refused the credentials")
                    .hasMessageContaining("redis.password");
            assertThatThrownBy(() -> RedisEventBus.create(TestRedis.fastBus(server.uri(), PREFIX).build()))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("refused the credentials")
                    .hasMessageContaining("redis.password");
            try (RedisEventBus bus = RedisEventBus.create(TestRedis.fastBus(server.uri(), PREFIX).password("s3cret").build())) {
                bus.publish("t", CloudEventBuilder.v1().withId("1").withSource(URI.create("/x")).withType("t").build())
                        .toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void keyOfTheWrongTypeWhereAStreamShouldBeIsReportedWithTheFix() {
        RedisBusConfig config = TestRedis.fastBus(PREFIX).build();
        try (TestRedis.Raw raw = TestRedis.raw(); RedisEventBus bus = RedisEventBus.create(config)) {
            String stream = config.streamKey("wrongtype", 0);
            raw.sync().set(stream, "not a stream".getBytes());
            assertThatThrownBy(() -> bus.subscribe("wrongtype", "g", e -> null))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("key '" + stream + "' exists but is not a stream")
                    .hasMessageContaining("delete or rename the key, or choose another " + RedisBusConfig.KEY_PREFIX);
            String key = keyOnShard(0, config.shards());
            assertThatThrownBy(() -> bus.publish("wrongtype", CloudEventBuilder.v1().withId("1")
                    .withSource(URI.create("/x")).withType("t").withSubject(key).build())
                    .toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(PublishRejectedException.class)
                    .hasMessageContaining("key '" + stream + "' exists but is not a stream");
        }
    }

    @Test
    void membersWithAnotherShardCountAreRefused() throws Exception {
        try (RedisEventBus four = RedisEventBus.create(TestRedis.fastBus(PREFIX).shards(4).build());
             RedisEventBus eight = RedisEventBus.create(TestRedis.fastBus(PREFIX).shards(8).build())) {
            four.publish("sharded", CloudEventBuilder.v1().withId("1").withSource(URI.create("/x")).withType("t").build())
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThatThrownBy(() -> eight.subscribe("sharded", "g", e -> null))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("has 4 shard streams")
                    .hasMessageContaining(RedisBusConfig.SHARDS + "=4");
        }
    }

    private static String keyOnShard(int shard, int shards) {
        for (int i = 0; ; i++) {
            if (RedisEventBus.shardOf("k" + i, shards) == shard) {
                return "k" + i;
            }
        }
    }
}
