package io.switchboard.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real single-node Kafka (KRaft, combined broker + controller) running inside the test JVM, built from the
 * {@code kafka_2.13} Maven artifacts. Listens on 127.0.0.1 only, on ports picked once so that {@link #stop()} and
 * {@link #start()} bring the same broker back on the same ports and log directory (for broker-restart tests).
 *
 * <p>Sized for a test heap: small log-cleaner buffer, few internal-topic partitions, replication factor 1, and
 * a short minimum session timeout so consumer-group rebalances after a crash take seconds, not minutes.
 * Kafka's {@code Exit.exit/halt} are routed to exceptions so that a broker failure can never end the JVM.
 *
 * <p>Public because the Kafka benchmark in {@code events-bench} runs against it (via this module's test-jar).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final int NODE_ID = 1;

    static {
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("embedded Kafka asked to exit the JVM with status " + code + ": " + message);
        });
        Exit.setHaltProcedure((code, message) -> {
            throw new IllegalStateException("embedded Kafka asked to halt the JVM with status " + code + ": " + message);
        });
    }

    private final Path logDir;
    private final int brokerPort;
    private final int controllerPort;
    private final KafkaConfig config;
    private KafkaRaftServer server;

    public EmbeddedKafkaBroker() {
        try {
            this.logDir = Files.createTempDirectory("switchboard-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary log directory for the embedded broker", e);
        }
        this.brokerPort = freePort();
        this.controllerPort = freePort();
        this.config = new KafkaConfig(properties(), false);
        format();
    }

    /** Starts (or restarts) the broker; returns once it serves requests. */
    public synchronized EmbeddedKafkaBroker start() {
        if (server == null) {
            KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
            s.startup();
            server = s;
        }
        return this;
    }

    /** Stops the broker, keeping its log directory and ports so that {@link #start()} brings it back. */
    public synchronized void stop() {
        if (server != null) {
            KafkaRaftServer s = server;
            server = null;
            s.shutdown();
            s.awaitShutdown();
        }
    }

    /** {@code host:port} of the client listener. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    @Override
    public synchronized void close() {
        stop();
        try {
            Utils.delete(logDir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the embedded broker's log directory " + logDir, e);
        }
    }

    private Map<String, Object> properties() {
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("log.cleaner.threads", "1");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.min.session.timeout.ms", "500");
        p.put("group.consumer.min.session.timeout.ms", "1000");
        p.put("group.consumer.session.timeout.ms", "3000");
        p.put("group.consumer.min.heartbeat.interval.ms", "250");
        p.put("group.consumer.heartbeat.interval.ms", "500");
        p.put("controlled.shutdown.enable", "true");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        return p;
    }

    private void format() {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(NODE_ID)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .addDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the embedded broker's log directory " + logDir + ": "
                    + output.toString(StandardCharsets.UTF_8), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }
}
