package io.switchboard.redis;

import io.cloudevents.core.builder.CloudEventBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The bus's {@link io.switchboard.spi.BusMetrics} figures on the real server. */
class RedisBusMetricsTest {

    private static final String PREFIX = TestRedis.prefix(RedisBusMetricsTest.class);

    @AfterAll
    static void removeKeys() {
        try (TestRedis.Raw raw = TestRedis.raw()) {
            raw.deleteAll(PREFIX);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void lagCountsUnacknowledgedEntriesUntilConsumedAndConnectionEndsWithACrash() {
        int events = 40;
        String topic = "lag";
        String group = "g";
        ConcurrentLinkedQueue<CompletableFuture<Void>> unacknowledged = new ConcurrentLinkedQueue<>();
        RedisEventBus consuming = RedisEventBus.create(TestRedis.fastBus(PREFIX).build());
        try (RedisEventBus publisher = RedisEventBus.create(TestRedis.fastBus(PREFIX).build())) {
            consuming.subscribe(topic, group, event -> {
                CompletableFuture<Void> stage = new CompletableFuture<>();
                unacknowledged.add(stage); // the consumer makes no progress until the test completes these
                return stage;
            });
            assertThat(consuming.consumerLag(topic, "other-group")).isEmpty();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> consuming.consumerLag(topic, group), lag -> lag.equals(OptionalLong.of(0)));
            assertThat(consuming.connected()).isTrue();

            List<CompletableFuture<Void>> accepted = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                accepted.add(publisher.publish(topic, CloudEventBuilder.v1().withId("e" + i)
                        .withSource(URI.create("/switchboard/redis/test")).withType("io.switchboard.test")
                        .withSubject("k" + i).build()).toCompletableFuture());
            }
            CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).join();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> consuming.consumerLag(topic, group), lag -> lag.equals(OptionalLong.of(events)));

            await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (CompletableFuture<Void> stage; (stage = unacknowledged.poll()) != null; ) {
                    stage.complete(null);
                }
                return consuming.consumerLag(topic, group).equals(OptionalLong.of(0));
            });
            assertThat(consuming.connected()).isTrue();
        } finally {
            consuming.abort();
        }
        assertThat(consuming.connected()).isFalse();
        assertThat(consuming.consumerLag(topic, group)).isEmpty();
    }
}
