package io.switchboard.nats;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
class NatsBusMetricsTest {

    private static final NatsBusConfig CONFIG = SharedNats.fastBus(SharedNats.URL, SharedNats.uniquePrefix("lag"))
            .build();

    @AfterAll
    static void cleanUp() {
        SharedNats.cleanUp(CONFIG);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void lagCountsUnacknowledgedMessagesUntilConsumedAndConnectionEndsWithACrash() {
        int events = 40;
        String topic = TestEvents.unique("lag");
        String group = TestEvents.unique("g");
        ConcurrentLinkedQueue<CompletableFuture<Void>> unacknowledged = new ConcurrentLinkedQueue<>();
        NatsEventBus consuming = NatsEventBus.create(CONFIG);
        try (NatsEventBus publisher = NatsEventBus.create(CONFIG)) {
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
                accepted.add(publisher.publish(topic, TestEvents.event("e" + i, "k" + i)).toCompletableFuture());
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
            consuming.crash();
        }
        assertThat(consuming.connected()).isFalse();
        assertThat(consuming.consumerLag(topic, group)).isEmpty();
    }
}
