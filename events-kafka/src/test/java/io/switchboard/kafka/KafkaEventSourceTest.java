package io.switchboard.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.kafka.CloudEventSerializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link KafkaEventSource} on a real broker: record mapping, CloudEvent pass-through, batches, at-least-once emit. */
class KafkaEventSourceTest {

    @RegisterExtension
    static final SharedKafka kafka = new SharedKafka();

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void plainRecordsBecomeRecordEventsWithTheirCoordinates() throws Exception {
        String topic = TestEvents.unique("plain");
        kafka.send(topic, "customer-7".getBytes(StandardCharsets.UTF_8), "{\"total\":3}".getBytes(StandardCharsets.UTF_8),
                List.of(new RecordHeader("content-type", "application/json".getBytes(StandardCharsets.UTF_8))));
        kafka.send(topic, new byte[]{(byte) 0xff, 0, 1}, null, List.of());

        try (RecordingSourceContext context = new RecordingSourceContext();
             KafkaEventSource source = KafkaEventSource.builder("orders").bootstrapServers(kafka.bootstrapServers())
                     .topics(topic).build()) {
            source.start(context);
            await().atMost(WAIT).until(() -> context.accepted.size() == 2);

            // different keys are emitted in parallel: find each by id
            CloudEvent first = context.accepted.stream().filter(e -> e.getId().equals(topic + "-0-0")).findFirst().orElseThrow();
            assertThat(first.getType()).isEqualTo(KafkaEventSource.RECORD_TYPE);
            assertThat(first.getSource()).isEqualTo(URI.create("kafka:" + topic));
            assertThat(first.getSubject()).isEqualTo("customer-7");
            assertThat(first.getTime()).isNotNull();
            assertThat(first.getDataContentType()).isEqualTo("application/json");
            assertThat(new String(first.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"total\":3}");
            assertThat(first.getExtension(KafkaEventSource.TOPIC_EXTENSION)).isEqualTo(topic);
            assertThat(first.getExtension(KafkaEventSource.PARTITION_EXTENSION)).isEqualTo(0);
            assertThat(first.getExtension(KafkaEventSource.OFFSET_EXTENSION)).isEqualTo("0");
            assertThat(first.getExtension(KafkaEventSource.KEY_EXTENSION)).isEqualTo("customer-7");

            CloudEvent second = context.accepted.stream().filter(e -> e.getId().equals(topic + "-0-1")).findFirst().orElseThrow();
            assertThat(second.getSubject()).as("a key that is not UTF-8 is no subject").isNull();
            assertThat(second.getExtension(KafkaEventSource.KEY_EXTENSION)).isEqualTo(new byte[]{(byte) 0xff, 0, 1});
            assertThat(second.getData()).as("a record without value has no data").isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void cloudEventsWrittenByTheSdkSerializerPassThroughUnchanged(Encoding encoding) throws Exception {
        String topic = TestEvents.unique("sdk-" + encoding.name().toLowerCase());
        List<CloudEvent> sent = sdkEvents(3);
        writeWithSdkSerializer(topic, encoding, sent);

        try (RecordingSourceContext context = new RecordingSourceContext();
             KafkaEventSource source = KafkaEventSource.builder("sdk").bootstrapServers(kafka.bootstrapServers())
                     .topics(topic).build()) {
            source.start(context);
            await().atMost(WAIT).until(() -> context.accepted.size() == sent.size());
            for (CloudEvent expected : sent) { // different keys are emitted in parallel: match by id
                CloudEventComparison.assertSameEvent(context.accepted.stream()
                        .filter(e -> e.getId().equals(expected.getId())).findFirst().orElseThrow(), expected);
            }
        }
    }

    @Test
    void batchesCarryConsecutiveRecordsOfAPartitionAsJson() throws Exception {
        String topic = TestEvents.unique("batch");
        for (int i = 0; i < 10; i++) {
            kafka.send(topic, ("k" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8),
                    List.of(new RecordHeader("trace", ("t" + i).getBytes(StandardCharsets.UTF_8))));
        }
        try (RecordingSourceContext context = new RecordingSourceContext();
             KafkaEventSource source = KafkaEventSource.builder("batch").bootstrapServers(kafka.bootstrapServers())
                     .topics(topic).batchSize(4).build()) {
            source.start(context);
            List<JsonNode> records = new ArrayList<>();
            ObjectMapper json = new ObjectMapper();
            await().atMost(WAIT).until(() -> {
                records.clear();
                for (CloudEvent event : context.accepted) {
                    json.readTree(event.getData().toBytes()).forEach(records::add);
                }
                return records.size() == 10;
            });
            for (CloudEvent event : context.accepted) {
                assertThat(event.getType()).isEqualTo(KafkaEventSource.BATCH_TYPE);
                assertThat(event.getDataContentType()).isEqualTo("application/json");
                assertThat(json.readTree(event.getData().toBytes()).size()).isBetween(1, 4);
            }
            for (int i = 0; i < 10; i++) {
                JsonNode record = records.get(i);
                assertThat(record.get("topic").asText()).isEqualTo(topic);
                assertThat(record.get("partition").asInt()).isZero();
                assertThat(record.get("offset").asLong()).isEqualTo(i);
                assertThat(record.get("timestamp").asLong()).isPositive();
                assertThat(new String(Base64.getDecoder().decode(record.get("key").asText()), StandardCharsets.UTF_8)).isEqualTo("k" + i);
                assertThat(new String(Base64.getDecoder().decode(record.get("value").asText()), StandardCharsets.UTF_8)).isEqualTo("v" + i);
                assertThat(new String(Base64.getDecoder().decode(record.get("headers").get("trace").asText()), StandardCharsets.UTF_8))
                        .isEqualTo("t" + i);
            }
        }
    }

    @Test
    void offsetsAreCommittedOnlyAfterTheEmitWasAccepted() throws Exception {
        String topic = TestEvents.unique("emit");
        String group = TestEvents.unique("source-group");
        for (int i = 0; i < 5; i++) {
            kafka.send(topic, "k".getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8), List.of());
        }
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        String rejectedTwice = topic + "-0-2";
        try (RecordingSourceContext context = new RecordingSourceContext().answering(e ->
                e.getId().equals(rejectedTwice) && attempts.computeIfAbsent(e.getId(), k -> new AtomicInteger()).incrementAndGet() <= 2
                        ? CompletableFuture.failedFuture(new io.switchboard.api.PublishRejectedException("test: queue full"))
                        : CompletableFuture.completedFuture(null));
             KafkaEventSource source = KafkaEventSource.builder("emit").bootstrapServers(kafka.bootstrapServers())
                     .topics(topic).property("group.id", group).retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                     .build()) {
            source.start(context);
            await().atMost(WAIT).until(() -> context.accepted.size() == 5);
            assertThat(context.accepted).extracting(CloudEvent::getId)
                    .as("events of one key are emitted in order, the rejected one retried in place")
                    .containsExactly(topic + "-0-0", topic + "-0-1", rejectedTwice, topic + "-0-3", topic + "-0-4");
            assertThat(attempts.get(rejectedTwice)).hasValue(3);
        }

        kafka.send(topic, "k".getBytes(StandardCharsets.UTF_8), "v5".getBytes(StandardCharsets.UTF_8), List.of());
        try (RecordingSourceContext context = new RecordingSourceContext();
             KafkaEventSource source = KafkaEventSource.builder("emit").bootstrapServers(kafka.bootstrapServers())
                     .topics(topic).property("group.id", group).build()) {
            source.start(context);
            await().atMost(WAIT).until(() -> !context.accepted.isEmpty());
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> context.accepted.size() == 1);
            assertThat(context.accepted).extracting(CloudEvent::getId)
                    .as("a restarted source resumes after the last accepted emit").containsExactly(topic + "-0-5");
        }
    }

    @Test
    void withDuplicateSuppressionAnEventSeenWithinTheWindowIsSkippedAndItsOffsetCommitted() throws Exception {
        String topic = TestEvents.unique("dupes");
        String group = TestEvents.unique("dupes-group");
        List<CloudEvent> events = sdkEvents(2);
        // a producer retry: the same CloudEvent (source + id) written twice, around another one
        writeWithSdkSerializer(topic, Encoding.BINARY, List.of(events.get(0), events.get(1), events.get(0)));
        try (RecordingSourceContext context = new RecordingSourceContext();
             KafkaEventSource source = KafkaEventSource.builder("dupes").bootstrapServers(kafka.bootstrapServers())
                     .topics(topic).property("group.id", group).concurrency(1)
                     .suppressDuplicates(Duration.ofMinutes(10), 1000).build()) {
            source.start(context);
            await().atMost(WAIT).until(() -> source.duplicatesSuppressed() == 1);
            assertThat(context.accepted).extracting(CloudEvent::getId).containsExactlyInAnyOrder("sdk-0", "sdk-1");
            assertThat(context.attempts).as("the duplicate never reached the runtime").hasSize(2);
        }

        writeWithSdkSerializer(topic, Encoding.BINARY, sdkEvents(3).subList(2, 3));
        try (RecordingSourceContext context = new RecordingSourceContext();
             KafkaEventSource source = KafkaEventSource.builder("dupes").bootstrapServers(kafka.bootstrapServers())
                     .topics(topic).property("group.id", group).build()) {
            source.start(context);
            await().atMost(WAIT).until(() -> !context.accepted.isEmpty());
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> context.accepted.size() == 1);
            assertThat(context.accepted).extracting(CloudEvent::getId)
                    .as("the skipped duplicate's offset was committed, so a restart resumes after it").containsExactly("sdk-2");
        }
    }

    @Test
    void withoutDuplicateSuppressionEveryRecordIsEmitted() throws Exception {
        String topic = TestEvents.unique("no-dedupe");
        List<CloudEvent> events = sdkEvents(1);
        writeWithSdkSerializer(topic, Encoding.BINARY, List.of(events.get(0), events.get(0)));
        try (RecordingSourceContext context = new RecordingSourceContext();
             KafkaEventSource source = KafkaEventSource.builder("no-dedupe").bootstrapServers(kafka.bootstrapServers())
                     .topics(topic).build()) {
            source.start(context);
            await().atMost(WAIT).until(() -> context.accepted.size() == 2);
            assertThat(source.duplicatesSuppressed()).isZero();
        }
    }

    @Test
    void aPatternSubscribesToEveryMatchingTopic() throws Exception {
        String prefix = TestEvents.unique("pattern");
        kafka.send(prefix + ".a", null, "a".getBytes(StandardCharsets.UTF_8), List.of());
        kafka.send(prefix + ".b", null, "b".getBytes(StandardCharsets.UTF_8), List.of());
        kafka.send(prefix + "-other", null, "x".getBytes(StandardCharsets.UTF_8), List.of());
        try (RecordingSourceContext context = new RecordingSourceContext();
             KafkaEventSource source = KafkaEventSource.builder("pattern").bootstrapServers(kafka.bootstrapServers())
                     .topicPattern(Pattern.compile(Pattern.quote(prefix) + "\\..*")).build()) {
            source.start(context);
            await().atMost(WAIT).until(() -> context.accepted.size() == 2);
            assertThat(context.accepted).extracting(e -> e.getExtension(KafkaEventSource.TOPIC_EXTENSION))
                    .containsExactlyInAnyOrder(prefix + ".a", prefix + ".b");
        }
    }

    static List<CloudEvent> sdkEvents(int count) {
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(CloudEventBuilder.v1().withId("sdk-" + i).withSource(URI.create("https://sdk.example/producer"))
                    .withType("com.example.sdk").withSubject("subject-" + i)
                    .withTime(OffsetDateTime.of(2026, 5, 6, 7, 8, 9, 0, ZoneOffset.UTC))
                    .withExtension("partitionkey", "key-" + (i % 2)).withExtension("tenant", "acme")
                    .withDataContentType("text/plain").withData(("payload " + i).getBytes(StandardCharsets.UTF_8))
                    .build());
        }
        return events;
    }

    /** Writes events the way any CloudEvents SDK user would: the SDK's own Kafka serializer. */
    static void writeWithSdkSerializer(String kafkaTopic, Encoding encoding, List<CloudEvent> events) throws Exception {
        Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "client.id", "switchboard-test-sdk-writer",
                CloudEventSerializer.ENCODING_CONFIG, encoding.name(),
                CloudEventSerializer.EVENT_FORMAT_CONFIG, "application/cloudevents+json");
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(config, new StringSerializer(),
                new CloudEventSerializer())) {
            for (CloudEvent event : events) {
                producer.send(new ProducerRecord<>(kafkaTopic, String.valueOf(event.getExtension("partitionkey")), event)).get();
            }
        }
    }
}
