package io.switchboard.spring.sample;

import io.switchboard.core.Switchboard;
import io.switchboard.test.Events;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample shop end to end on the default in-memory bus, configured from application.yml. */
@SpringBootTest
class ShopApplicationTest {

    @Autowired
    Switchboard switchboard;

    @Autowired
    ShipmentLog shipments;

    @Test
    void anOrderShipsOnceItIsCreatedAndPaid() throws Exception {
        assertThat(switchboard.runtime().buses()).containsEntry("default", "memory");
        switchboard.publish(Events.event("order.created").subject("o-1")
                .data("{\"id\":\"o-1\",\"item\":\"lamp\",\"quantity\":2}").build())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        switchboard.publish(Events.event("order.created").subject("o-2")
                .data("{\"id\":\"o-2\",\"item\":\"desk\",\"quantity\":1}").build())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        switchboard.publish(Events.event("payment.settled").subject("o-1").data("{\"amount\":4200}").build())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(shipments.awaitCount(1, Duration.ofSeconds(10)))
                .containsExactly(new Shipping.Shipment("o-1", "lamp", 2));
        assertThat(switchboard.runtime().stats("orders", "ship").fired()).isEqualTo(1);
        assertThat(switchboard.runtime().health().ready()).isTrue();
    }

    @Autowired
    MeterRegistry meters;

    @Autowired
    ApplicationContext context;

    @Test
    void actuatorSeesTheRuntimesHealthAndMeters() {
        HealthIndicator health = context.getBean("switchboardHealthIndicator", HealthIndicator.class);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(meters.find("switchboard.ready").gauge()).isNotNull();
        assertThat(meters.find("switchboard.subscriber.fired").tags("trigger", "orders", "subscriber", "ship")
                .functionCounter()).isNotNull();
    }
}
