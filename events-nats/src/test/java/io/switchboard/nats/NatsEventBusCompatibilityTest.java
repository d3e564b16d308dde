package io.switchboard.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.switchboard.api.EventBus;
import io.switchboard.test.EventBusCompatibilityKit;
import org.junit.jupiter.api.AfterAll;

import java.time.Duration;

/** {@link NatsEventBus} passes the bus compatibility kit against the machine's NATS server with JetStream. */
class NatsEventBusCompatibilityTest extends EventBusCompatibilityKit {

    private static final NatsBusConfig CONFIG = SharedNats.fastBus(SharedNats.URL, SharedNats.uniquePrefix("kit"))
            .build();

    @AfterAll
    static void deleteStream() {
        SharedNats.cleanUp(CONFIG);
    }

    @Override
    protected EventBus createBus() {
        return NatsEventBus.create(CONFIG);
    }

    @Override
    protected void publishRaw(String topic, byte[] bytes) {
        try (Connection c = Nats.connect(SharedNats.URL)) {
            c.jetStream().publish(CONFIG.subject(topic, 0), bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected boolean extensionsKeepTheirTypes() {
        return false; // binary mode carries extensions as header text
    }

    @Override
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(20);
    }

    @Override
    protected Duration quietPeriod() {
        return Duration.ofMillis(500);
    }

    /** Only the bus's own threads count: they are all named after it (jnats names its threads after the connection). */
    @Override
    protected boolean isOutsideTheBus(Thread thread) {
        String name = thread.getName();
        boolean ours = name.contains("switchboard-nats-") || name.startsWith("jnats") || name.startsWith("nats");
        return !ours || super.isOutsideTheBus(thread);
    }
}
