package io.switchboard.spring.sample;

import io.switchboard.core.Switchboard;
import io.switchboard.kafka.EmbeddedKafkaBroker;
import io.switchboard.test.Events;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample shop unchanged, on a real Kafka broker (the in-JVM KRaft broker of events-kafka's tests). The default
 * bus is declared as a Kafka bus with its partitions and topic prefix, without an address: its brokers come from
 * {@code spring.kafka.bootstrap-servers}.
 */
@SpringBootTest(properties = "switchboard.cluster-event-bus.kafka.partitions=2")
@DirtiesContext
class ShopOverKafkaTest {

    private static EmbeddedKafkaBroker broker;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> broker().bootstrapServers());
        registry.add("switchboard.cluster-event-bus.kafka.topic-prefix",
                () -> "shop-" + UUID.randomUUID() + "-");
    }

    private static EmbeddedKafkaBroker broker() {
        synchronized (ShopOverKafkaTest.class) {
            if (broker == null) {
                broker = new EmbeddedKafkaBroker().start();
            }
            return broker;
        }
    }

    @Autowired
    Switchboard switchboard;

    @Autowired
    ShipmentLog shipments;

    @Test
    void anOrderShipsOverKafkaOnceItIsCreatedAndPaid() throws Exception {
        assertThat(switchboard.runtime().buses()).containsEntry("default", "kafka");
        switchboard.publish(Events.event("order.created").subject("o-1")
                .data("{\"id\":\"o-1\",\"item\":\"lamp\",\"quantity\":2}").build())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        switchboard.publish(Events.event("payment.settled").subject("o-1").data("{\"amount\":4200}").build())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(shipments.awaitCount(1, Duration.ofSeconds(60)))
                .containsExactly(new Shipping.Shipment("o-1", "lamp", 2));
    }

    /**
     * Stops the broker when the context closes: bean destruction comes after the lifecycle stop, so the runtime has
     * drained and closed its Kafka bus by then.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class BrokerShutdown {
        @Bean
        DisposableBean stopKafkaAfterTheApplication() {
            return () -> {
                synchronized (ShopOverKafkaTest.class) {
                    if (broker != null) {
                        broker.close();
                        broker = null;
                    }
                }
            };
        }
    }
}
