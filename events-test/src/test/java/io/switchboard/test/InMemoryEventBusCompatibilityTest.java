package io.switchboard.test;

import io.switchboard.api.EventBus;
import io.switchboard.core.bus.InMemoryEventBus;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

/**
 * The in-memory bus against the compatibility kit (not durable and without a wire: two groups skip). Members of a
 * group are subscriptions of one bus, since separate in-memory buses share nothing.
 */
@ExtendWith(KnownGaps.class)
class InMemoryEventBusCompatibilityTest extends EventBusCompatibilityKit {

    @Override
    protected EventBus createBus() {
        // short redelivery backoff: the acknowledgement tests wait for redeliveries in real time
        return InMemoryEventBus.builder().redeliveryBackoff(Duration.ofMillis(5), Duration.ofMillis(50)).build();
    }

    @Override
    protected EventBus createMemberBus() {
        return bus();
    }

    @Override
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(5);
    }
}
