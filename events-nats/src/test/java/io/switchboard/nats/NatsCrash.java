package io.switchboard.nats;

import io.switchboard.api.EventBus;

/**
 * Crashes a {@link NatsEventBus} in tests, from any package: the bus ends the way a killed process would (no
 * acknowledgement, NAK, lease or membership removal), while its threads and socket are released so the test JVM goes
 * on. Unsettled messages return after their ack wait; other members take the leases once their TTL ends.
 */
public final class NatsCrash {

    private NatsCrash() {
    }

    /**
     * Crashes {@code bus}, which must be a {@link NatsEventBus}.
     *
     * @throws IllegalArgumentException if {@code bus} is another kind of bus
     */
    public static void crash(EventBus bus) {
        if (!(bus instanceof NatsEventBus nats)) {
            throw new IllegalArgumentException("NatsCrash.crash needs a NatsEventBus, got " + bus);
        }
        nats.crash();
    }
}
