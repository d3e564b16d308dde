package io.switchboard.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.kafka.CloudEventDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The bus speaks the CloudEvents Kafka protocol binding: it reads what the SDK writes, and the SDK reads what it writes. */
class KafkaEventBusInteropTest {

    @RegisterExtension
    static final SharedKafka kafka = new SharedKafka();

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void busReadsEventsWrittenByTheSdkSerializer(Encoding encoding) throws Exception {
        KafkaBusConfig config = SharedKafka.fastBus(kafka.bootstrapServers()).build();
        String topic = TestEvents.unique("sdk-in");
        List<CloudEvent> sent = KafkaEventSourceTest.sdkEvents(4);
        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        try (KafkaEventBus bus = KafkaEventBus.create(config)) {
            bus.subscribe(topic, "g", event -> {
                received.add(event);
                return CompletableFuture.completedFuture(null);
            });
            KafkaEventSourceTest.writeWithSdkSerializer(config.kafkaTopic(topic), encoding, sent);
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == sent.size());
        }
        for (CloudEvent expected : sent) {
            CloudEvent actual = received.stream().filter(e -> e.getId().equals(expected.getId())).findFirst().orElseThrow();
            CloudEventComparison.assertSameEvent(actual, expected);
        }
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void sdkDeserializerReadsWhatTheBusWrites(Encoding encoding) {
        KafkaBusConfig config = SharedKafka.fastBus(kafka.bootstrapServers()).encoding(encoding).build();
        String topic = TestEvents.unique("sdk-out");
        List<CloudEvent> sent = KafkaEventSourceTest.sdkEvents(3);
        try (KafkaEventBus bus = KafkaEventBus.create(config);
             KafkaConsumer<String, CloudEvent> reader = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                     "group.id", TestEvents.unique("sdk-reader"), "auto.offset.reset", "earliest"),
                     new StringDeserializer(), new CloudEventDeserializer())) {
            for (CloudEvent event : sent) {
                bus.publish(topic, event).toCompletableFuture().join();
            }
            reader.subscribe(List.of(config.kafkaTopic(topic)));
            List<ConsumerRecord<String, CloudEvent>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                reader.poll(Duration.ofMillis(100)).forEach(records::add);
                return records.size() == sent.size();
            });
            for (CloudEvent expected : sent) { // keys spread over partitions: match by id
                ConsumerRecord<String, CloudEvent> record = records.stream()
                        .filter(r -> r.value().getId().equals(expected.getId())).findFirst().orElseThrow();
                CloudEventComparison.assertSameEvent(record.value(), expected);
                assertThat(record.key()).as("record key = partitionkey extension").isEqualTo(expected.getExtension("partitionkey"));
                boolean structured = record.headers().lastHeader("content-type") != null
                        && new String(record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8)
                        .startsWith("application/cloudevents+json");
                assertThat(structured).as("structured mode").isEqualTo(encoding == Encoding.STRUCTURED);
            }
        }
    }
}
