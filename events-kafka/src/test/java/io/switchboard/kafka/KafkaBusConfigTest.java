package io.switchboard.kafka;

import io.cloudevents.core.message.Encoding;
import io.switchboard.api.ConfigurationException;
import io.switchboard.spi.EventBusProvider;
import io.switchboard.spi.EventSourceProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings are checked once, with messages that say what was wrong and how to fix it. */
class KafkaBusConfigTest {

    @Test
    void bootstrapServersAreRequired() {
        assertThatThrownBy(() -> KafkaBusConfig.builder().build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("bootstrap.servers");
    }

    @Test
    void propertiesTheGuaranteesDependOnCannotBeWeakened() {
        assertThatThrownBy(() -> KafkaBusConfig.builder().bootstrapServers("h:1").producerProperty("acks", "1").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("acks=1").hasMessageContaining("remove it");
        assertThatThrownBy(() -> KafkaBusConfig.builder().bootstrapServers("h:1")
                .consumerProperty("enable.auto.commit", "true").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("enable.auto.commit");
        assertThatThrownBy(() -> KafkaBusConfig.builder().bootstrapServers("h:1")
                .clientProperty("value.deserializer", "x").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("encoding");
    }

    @Test
    void clientsGetPassThroughPropertiesPlusTheFixedOnes() {
        KafkaBusConfig config = KafkaBusConfig.builder().bootstrapServers("h:1")
                .clientProperty("security.protocol", "SASL_SSL")
                .producerProperty("linger.ms", 20)
                .consumerProperty("max.poll.records", 100)
                .build();
        Map<String, Object> producer = config.producerConfig("p");
        assertThat(producer).containsEntry("security.protocol", "SASL_SSL").containsEntry("linger.ms", 20)
                .containsEntry("acks", "all").containsEntry("enable.idempotence", "true").doesNotContainKey("max.poll.records");
        Map<String, Object> consumer = config.consumerConfig("group-a", "c");
        assertThat(consumer).containsEntry("security.protocol", "SASL_SSL").containsEntry("group.id", "group-a")
                .containsEntry("enable.auto.commit", "false").containsEntry("auto.offset.reset", "earliest")
                .containsEntry("max.poll.records", 100).doesNotContainKey("linger.ms");
    }

    @Test
    void theBrokerSideGroupProtocolGetsNoClientAssignor() {
        KafkaBusConfig config = KafkaBusConfig.builder().bootstrapServers("h:1")
                .consumerProperty("group.protocol", "consumer").build();
        assertThat(config.consumerConfig("g", "c")).doesNotContainKey("partition.assignment.strategy");
    }

    @Test
    void textSettingsAreParsedWithTheKeyNamedOnError() {
        KafkaBusConfig config = KafkaBusConfig.fromMap(Map.of(
                "bootstrap.servers", "h:1",
                KafkaBusConfig.TOPIC_PREFIX, "app.",
                KafkaBusConfig.TOPIC_PARTITIONS, "12",
                KafkaBusConfig.ENCODING, "structured",
                KafkaBusConfig.DUPLICATES_WINDOW, "PT10M",
                KafkaBusConfig.REDELIVERY_INITIAL_BACKOFF, "50",
                "producer.compression.type", "zstd",
                "sasl.mechanism", "PLAIN"));
        assertThat(config.kafkaTopic("orders")).isEqualTo("app.orders");
        assertThat(config.topicPartitions()).isEqualTo(12);
        assertThat(config.encoding()).isEqualTo(Encoding.STRUCTURED);
        assertThat(config.duplicatesWindow()).contains(Duration.ofMinutes(10));
        assertThat(config.initialBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.deadLetterTopic()).isEqualTo("app.dead-letter");
        assertThat(config.producerConfig("p")).containsEntry("compression.type", "zstd").containsEntry("sasl.mechanism", "PLAIN");

        assertThatThrownBy(() -> KafkaBusConfig.fromMap(Map.of("bootstrap.servers", "h:1", KafkaBusConfig.CONCURRENCY, "many")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(KafkaBusConfig.CONCURRENCY);
        assertThatThrownBy(() -> KafkaBusConfig.fromMap(Map.of("bootstrap.servers", "h:1", "switchboard.typo", "1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("switchboard.typo");
    }

    @Test
    void busTopicsThatCannotBeKafkaTopicsAreRejected() {
        try (KafkaEventBus bus = KafkaEventBus.create(KafkaBusConfig.builder().bootstrapServers("127.0.0.1:9")
                .producerProperty("max.block.ms", 100).build())) {
            assertThatThrownBy(() -> bus.publish("bad/topic", TestEvents.event("a", "k")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad/topic");
        }
    }

    @Test
    void providersAreFoundByServiceLoaderAsKafka() {
        assertThat(ServiceLoader.load(EventBusProvider.class).stream().map(p -> p.get().type())).contains("kafka");
        assertThat(ServiceLoader.load(EventSourceProvider.class).stream().map(p -> p.get().type())).contains("kafka");
        assertThatThrownBy(() -> new KafkaEventSourceProvider().create("s", Map.of("bootstrap.servers", "h:1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("topics");
    }
}
