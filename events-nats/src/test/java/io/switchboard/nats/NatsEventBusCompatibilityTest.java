package io.switchboard.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.switchboard.api.EventBus;
import io.switchboard.test.EventBusCompatibilityKit;
import org.junit.jupiter.api.AfterAll;

import java.time.Duration;

/** {@link NatsEventBus} passes the bus compatibility kit against the machine's NATS server with JetStream. */
@org.junit.jupiter.api.extension.ExtendWith(NatsEventBusCompatibilityTest.DumpOnFailure.class)
class NatsEventBusCompatibilityTest extends EventBusCompatibilityKit {

    /** On a failure, prints the state of the stream's consumers and leases: what was delivered, what is pending. */
    static final class DumpOnFailure implements org.junit.jupiter.api.extension.TestWatcher {
        @Override
        public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
            try (Connection c = Nats.connect(SharedNats.URL)) {
                for (var ci : c.jetStreamManagement().getConsumers(CONFIG.stream())) {
                    if (ci.getNumAckPending() > 0 || ci.getNumPending() > 0) {
                        System.out.println("DUMP " + ci.getName() + " pending=" + ci.getNumPending() + " ackPending="
                                + ci.getNumAckPending() + " waiting=" + ci.getNumWaiting() + " delivered="
                                + ci.getDelivered().getStreamSequence() + " floor=" + ci.getAckFloor().getStreamSequence());
                    }
                }
                var kv = c.keyValue(CONFIG.leaseBucket());
                for (String k : kv.keys()) {
                    System.out.println("DUMP " + k + " = " + kv.get(k).getValueAsString());
                }
            } catch (Exception e) {
                System.out.println("DUMP failed: " + e);
            }
        }
    }

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

    /**
     * On the partition and lane of the kit's key {@code key-0}, as a producer that keys its messages would put it, so
     * the poison is consumed in sequence with the kit's events around it.
     */
    @Override
    protected void publishRaw(String topic, byte[] bytes) {
        try (Connection c = Nats.connect(SharedNats.URL)) {
            io.nats.client.impl.Headers headers = new io.nats.client.impl.Headers();
            headers.put(NatsEventBus.KEY_HEADER, "key-0");
            int partition = Math.floorMod(Names.fnv1a("key-0"), CONFIG.partitions());
            c.jetStream().publish(CONFIG.subject(topic, partition), headers, bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void crash(EventBus bus) {
        ((NatsEventBus) bus).crash();
    }

    /**
     * The crashed member's leases expire (TTL 3 s) and are retaken within a heartbeat (1 s); its messages come back
     * when their ack wait (2 s after its last in-progress ack) ends, by then.
     */
    @Override
    protected Duration redeliveryTimeout() {
        return Duration.ofSeconds(5);
    }

    /** A group's durable consumers deliver everything the stream holds for the topic (deliver policy all). */
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
