package io.switchboard.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

/**
 * How {@link KafkaEventSource} turns Kafka records into CloudEvents (documented in {@code docs/kafka.md}): records
 * that are CloudEvents in the Kafka protocol binding pass through unchanged; any other record becomes an event of
 * the configured type carrying the value as data and the record's coordinates as extensions; a batch becomes one
 * event whose data is a JSON array of records.
 */
final class SourceRecords {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final String recordType;
    private final String batchType;

    SourceRecords(String recordType, String batchType) {
        this.recordType = recordType;
        this.batchType = batchType;
    }

    /** The event for one record: the record itself if it is a CloudEvent, else the record wrapped. */
    CloudEvent single(ConsumerRecord<byte[], byte[]> record) {
        if (looksLikeCloudEvent(record)) {
            try {
                return CloudEventRecords.decode(record);
            } catch (RuntimeException notACloudEvent) {
                // claims to be one but is not valid: deliver it wrapped like any other record, nothing is lost
            }
        }
        CloudEventBuilder builder = coordinates(CloudEventBuilder.v1(), record)
                .withId(record.topic() + "-" + record.partition() + "-" + record.offset())
                .withType(recordType)
                .withExtension(KafkaEventSource.OFFSET_EXTENSION, String.valueOf(record.offset()));
        if (record.timestamp() >= 0) {
            builder.withTime(OffsetDateTime.ofInstant(Instant.ofEpochMilli(record.timestamp()), ZoneOffset.UTC));
        }
        if (record.key() != null) {
            String text = utf8(record.key());
            if (text != null) {
                builder.withSubject(text).withExtension(KafkaEventSource.KEY_EXTENSION, text);
            } else {
                builder.withExtension(KafkaEventSource.KEY_EXTENSION, record.key());
            }
        }
        if (record.value() != null) {
            String contentType = header(record, "content-type");
            if (contentType != null) {
                builder.withData(contentType, record.value());
            } else {
                builder.withData(record.value());
            }
        }
        return builder.build();
    }

    /** One event for consecutive records of one partition; data is a JSON array of the records. */
    CloudEvent batch(List<ConsumerRecord<byte[], byte[]>> records) {
        ConsumerRecord<byte[], byte[]> first = records.get(0);
        ConsumerRecord<byte[], byte[]> last = records.get(records.size() - 1);
        ArrayNode array = JSON.createArrayNode();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ObjectNode node = array.addObject();
            node.put("topic", record.topic());
            node.put("partition", record.partition());
            node.put("offset", record.offset());
            node.put("timestamp", record.timestamp());
            node.put("key", record.key() == null ? null : BASE64.encodeToString(record.key()));
            node.put("value", record.value() == null ? null : BASE64.encodeToString(record.value()));
            ObjectNode headers = node.putObject("headers");
            for (Header header : record.headers()) {
                headers.put(header.key(), header.value() == null ? null : BASE64.encodeToString(header.value()));
            }
        }
        byte[] data;
        try {
            data = JSON.writeValueAsBytes(array);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a Kafka record batch as JSON", e);
        }
        return coordinates(CloudEventBuilder.v1(), first)
                .withId(first.topic() + "-" + first.partition() + "-" + first.offset() + "-" + last.offset())
                .withType(batchType)
                .withTime(OffsetDateTime.ofInstant(Instant.ofEpochMilli(Math.max(0, last.timestamp())), ZoneOffset.UTC))
                .withExtension(KafkaEventSource.OFFSET_EXTENSION, String.valueOf(first.offset()))
                .withData("application/json", data)
                .build();
    }

    private static CloudEventBuilder coordinates(CloudEventBuilder builder, ConsumerRecord<?, ?> record) {
        return builder.withSource(URI.create("kafka:" + record.topic()))
                .withExtension(KafkaEventSource.TOPIC_EXTENSION, record.topic())
                .withExtension(KafkaEventSource.PARTITION_EXTENSION, record.partition());
    }

    /** Binary mode has {@code ce_specversion}; structured mode a {@code content-type} of {@code application/cloudevents…}. */
    private static boolean looksLikeCloudEvent(ConsumerRecord<byte[], byte[]> record) {
        if (record.headers().lastHeader("ce_specversion") != null) {
            return true;
        }
        String contentType = header(record, "content-type");
        return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/cloudevents");
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
