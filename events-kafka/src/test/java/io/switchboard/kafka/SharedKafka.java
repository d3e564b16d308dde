package io.switchboard.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * JUnit 5 extension giving a test class the JVM-wide {@link EmbeddedKafkaBroker}: started by the first class that
 * needs it, stopped (and its log directory deleted) when the whole test run ends. Register it with
 * {@code @RegisterExtension static final SharedKafka kafka = new SharedKafka();}.
 */
final class SharedKafka implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedKafka.class);

    private Resource resource;

    @Override
    public void beforeAll(ExtensionContext context) {
        resource = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("broker", key -> new Resource(), Resource.class);
    }

    String bootstrapServers() {
        return resource().broker.bootstrapServers();
    }

    /** Writes one raw record (no CloudEvent encoding) and waits until the broker stored it. */
    void send(String kafkaTopic, byte[] key, byte[] value, List<Header> headers) {
        try {
            resource().producer.send(new ProducerRecord<>(kafkaTopic, null, key, value, headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("raw send to " + kafkaTopic + " failed", e);
        }
    }

    /** Test-side client settings that make rebalances after a join, leave or crash take seconds. */
    static KafkaBusConfig.Builder fastBus(String bootstrapServers) {
        return KafkaBusConfig.builder()
                .bootstrapServers(bootstrapServers)
                .topicPartitions(3)
                .closeTimeout(Duration.ofSeconds(3))
                .redeliveryBackoff(Duration.ofMillis(20), Duration.ofMillis(500))
                .consumerProperty("heartbeat.interval.ms", 200)
                .consumerProperty("session.timeout.ms", 2500);
    }

    private Resource resource() {
        if (resource == null) {
            throw new IllegalStateException("SharedKafka is not registered: use @RegisterExtension on a static field");
        }
        return resource;
    }

    private static final class Resource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().start();
        final KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", broker.bootstrapServers(), "client.id", "switchboard-test-raw", "linger.ms", 0),
                new ByteArraySerializer(), new ByteArraySerializer());

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(5));
            broker.close();
        }
    }
}
