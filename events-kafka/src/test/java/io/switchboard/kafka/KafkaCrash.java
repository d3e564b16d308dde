package io.switchboard.kafka;

import io.switchboard.api.EventBus;

/**
 * Crashes a {@link KafkaEventBus} in tests, from any package: the bus ends the way a killed process would (no commit,
 * no waiting for running handlers, no clean leave of its groups; the producer closes without flushing), while its
 * threads and sockets are released so the test JVM goes on. The group reassigns the crashed member's partitions once
 * its session times out ({@code session.timeout.ms}).
 */
public final class KafkaCrash {

    private KafkaCrash() {
    }

    /**
     * Crashes {@code bus}, which must be a {@link KafkaEventBus}.
     *
     * @throws IllegalArgumentException if {@code bus} is another kind of bus
     */
    public static void crash(EventBus bus) {
        if (!(bus instanceof KafkaEventBus kafka)) {
            throw new IllegalArgumentException("KafkaCrash.crash needs a KafkaEventBus, got " + bus);
        }
        kafka.crash();
    }
}
