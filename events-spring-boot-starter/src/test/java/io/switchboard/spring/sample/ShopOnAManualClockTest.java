package io.switchboard.spring.sample;

import io.switchboard.core.Switchboard;
import io.switchboard.core.time.ManualScheduler;
import io.switchboard.spring.test.InMemorySwitchboard;
import io.switchboard.test.Events;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample shop with {@link InMemorySwitchboard}: Kafka is configured (at an address where nothing listens), yet
 * the runtime runs in memory, on a clock the test moves.
 */
@SpringBootTest(properties = "spring.kafka.bootstrap-servers=127.0.0.1:1")
@InMemorySwitchboard
class ShopOnAManualClockTest {

    @Autowired
    Switchboard switchboard;

    @Autowired
    ManualScheduler clock;

    @Autowired
    ShipmentLog shipments;

    @Test
    void aPaymentArrivingAfterTheOrdersWindowDoesNotShipIt() throws Exception {
        assertThat(switchboard.runtime().buses()).containsEntry("default", "memory");
        assertThat(switchboard.scheduler()).isSameAs(clock);

        switchboard.publish(Events.event("order.created").subject("late")
                .data("{\"id\":\"late\",\"item\":\"chair\",\"quantity\":4}").build())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        await().until(() -> switchboard.runtime().stats("orders", "ship").received() == 1);
        clock.advance(Duration.ofHours(2)); // past the subscriber's one-hour window
        switchboard.publish(Events.event("payment.settled").subject("late").data("{\"amount\":100}").build())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        await().until(() -> switchboard.runtime().stats("orders", "ship").received() == 2);

        assertThat(switchboard.runtime().stats("orders", "ship").fired()).isZero();
        assertThat(shipments.all()).isEmpty();
    }
}
