package io.switchboard.test;

import io.switchboard.api.EventBus;
import io.switchboard.core.bus.InMemoryEventBus;

import java.time.Duration;

/** The in-memory bus against the compatibility kit (not durable and without a wire: two groups skip). */
class InMemoryEventBusCompatibilityTest extends EventBusCompatibilityKit {

    @Override
    protected EventBus createBus() {
        // short redelivery backoff: the acknowledgement tests wait for redeliveries in real time
        return InMemoryEventBus.builder().redeliveryBackoff(Duration.ofMillis(5), Duration.ofMillis(50)).build();
    }

    @Override
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(5);
    }
}
