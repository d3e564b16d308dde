package io.switchboard.kafka;

import io.switchboard.api.Sink;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The bus's {@link io.switchboard.spi.BusMetrics} figures on a real broker. */
class KafkaBusMetricsTest {

    @RegisterExtension
    static final SharedKafka kafka = new SharedKafka();

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void lagCountsUnacknowledgedEventsUntilConsumedAndConnectionEndsWithACrash() {
        int events = 40;
        String topic = TestEvents.unique("lag");
        String group = TestEvents.unique("g");
        ConcurrentLinkedQueue<CompletableFuture<Void>> unacknowledged = new ConcurrentLinkedQueue<>();
        KafkaEventBus consuming = KafkaEventBus.create(SharedKafka.fastBus(kafka.bootstrapServers()).build());
        try (KafkaEventBus publisher = KafkaEventBus.create(SharedKafka.fastBus(kafka.bootstrapServers()).build())) {
            consuming.subscribe(topic, group, event -> {
                CompletableFuture<Void> stage = new CompletableFuture<>();
                unacknowledged.add(stage); // the consumer makes no progress until the test completes these
                return stage;
            });
            assertThat(consuming.consumerLag(topic, "other-group")).isEmpty();
            await().atMost(Duration.ofSeconds(30)).until(() -> consuming.consumerLag(topic, group), lag -> lag.equals(OptionalLong.of(0)));
            assertThat(consuming.connected()).isTrue();

            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                acks.add(publisher.publish(topic, TestEvents.event("e" + i, "k" + i)).toCompletableFuture());
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> consuming.consumerLag(topic, group), lag -> lag.equals(OptionalLong.of(events)));

            await().atMost(Duration.ofSeconds(30)).until(() -> {
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

    /** What the {@code switchboard.bus.consumer.lag} gauge and the readiness probe read: a figure, not "unknown". */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void runtimeViewReportsTheKafkaLagOfItsTriggerTopics() {
        int events = 10;
        AtomicInteger handled = new AtomicInteger();
        try (KafkaEventBus bus = KafkaEventBus.create(SharedKafka.fastBus(kafka.bootstrapServers()).build());
             Switchboard switchboard = Switchboard.builder().bus(bus).group(TestEvents.unique("app"))
                     .trigger(Trigger.builder("count").input("all", null)
                             .subscriber("count", null, Sink.handler(event -> handled.incrementAndGet())).build())
                     .build().start()) {
            String topic = switchboard.runtime().consumedTopics().get(Switchboard.DEFAULT_BUS).get(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> switchboard.runtime().consumerLag(Switchboard.DEFAULT_BUS,
                    topic), lag -> lag.equals(OptionalLong.of(0)));
            assertThat(switchboard.runtime().health().ready()).isTrue();
            for (int i = 0; i < events; i++) {
                switchboard.publish(TestEvents.event("r" + i, "k" + i)).toCompletableFuture().join();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.get() == events
                    && switchboard.runtime().consumerLag(Switchboard.DEFAULT_BUS, topic).equals(OptionalLong.of(0)));
        }
    }
}
