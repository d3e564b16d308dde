package io.switchboard.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machine's NATS server with JetStream (127.0.0.1:4222), and bus settings for tests: a stream and subject prefix
 * unique to the run, short ack wait and lease TTL so crash tests finish in seconds. {@link #cleanUp(NatsBusConfig)}
 * deletes what a test created.
 */
public final class SharedNats {

    public static final String URL = System.getProperty("nats.url", "nats://127.0.0.1:4222");
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private SharedNats() {
    }

    /** A unique subject prefix (and so stream) for one test class or test. */
    public static String uniquePrefix(String what) {
        return "sbtest." + what + "-" + RUN + "-" + PREFIXES.incrementAndGet();
    }

    /** Fast settings: ack wait 2 s, lease TTL 3 s, short timeouts; memory storage unless the test needs files. */
    public static NatsBusConfig.Builder fastBus(String url, String prefix) {
        return NatsBusConfig.builder().servers(url).subjectPrefix(prefix).ackWait(Duration.ofSeconds(2))
                .leaseTtl(Duration.ofSeconds(3)).revokeTimeout(Duration.ofSeconds(1)).closeTimeout(Duration.ofSeconds(3))
                .redeliveryBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).duplicateWindow(Duration.ofMinutes(1));
    }

    /** Deletes the stream and lease bucket of {@code config} (best effort). */
    public static void cleanUp(NatsBusConfig config) {
        try (Connection c = Nats.connect(config.servers().get(0))) {
            var jsm = c.jetStreamManagement();
            try {
                jsm.deleteStream(config.stream());
            } catch (JetStreamApiException ignored) {
                // already gone
            }
            try {
                c.keyValueManagement().delete(config.leaseBucket());
            } catch (JetStreamApiException ignored) {
                // already gone
            }
        } catch (Exception e) {
            System.err.println("clean-up of " + config.stream() + " failed: " + e);
        }
    }
}
