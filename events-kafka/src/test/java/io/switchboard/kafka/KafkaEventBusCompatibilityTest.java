package io.switchboard.kafka;

import io.switchboard.api.EventBus;
import io.switchboard.test.EventBusCompatibilityKit;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

/** {@link KafkaEventBus} passes the bus compatibility kit against a real broker. */
class KafkaEventBusCompatibilityTest extends EventBusCompatibilityKit {

    @RegisterExtension
    static final SharedKafka kafka = new SharedKafka();

    @Override
    protected EventBus createBus() {
        return KafkaEventBus.create(SharedKafka.fastBus(kafka.bootstrapServers()).build());
    }

    @Override
    protected void publishRaw(String topic, byte[] bytes) {
        kafka.send(KafkaBusConfig.builder().bootstrapServers("unused:1").build().kafkaTopic(topic), null, bytes, List.of());
    }

    @Override
    protected void crash(EventBus bus) {
        KafkaCrash.crash(bus);
    }

    /** The crashed member's session (2.5 s in {@link SharedKafka#fastBus}) expires, then the group rebalances. */
    @Override
    protected Duration redeliveryTimeout() {
        return Duration.ofSeconds(8);
    }

    /** Kafka consumers of a new group start at the earliest offset ({@code auto.offset.reset=earliest}). */
    @Override
    protected GroupStart newGroupStart() {
        return GroupStart.EARLIEST;
    }

    @Override
    protected boolean extensionsKeepTheirTypes() {
        return false; // binary mode carries extensions as header text
    }

    @Override
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(30);
    }

    @Override
    protected Duration quietPeriod() {
        return Duration.ofMillis(500);
    }

    /** Only the bus's own threads count: its clients are named after it, and consumer heartbeats after the group. */
    @Override
    protected boolean isOutsideTheBus(Thread thread) {
        String name = thread.getName();
        boolean ours = name.contains("switchboard-bus-") || name.startsWith("kafka-coordinator-heartbeat-thread");
        return !ours || super.isOutsideTheBus(thread);
    }
}
