package io.switchboard.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading CloudEvents out of Kafka records with the SDK's Kafka protocol binding (binary or structured mode). */
final class CloudEventRecords {

    private CloudEventRecords() {
    }

    /**
     * Decodes a record as a CloudEvent.
     *
     * @throws RuntimeException (typically {@code CloudEventRWException}) if the record is not a valid CloudEvent
     */
    static CloudEvent decode(ConsumerRecord<byte[], byte[]> record) {
        return KafkaMessageFactory.createReader(record.headers(), record.value()).toEvent();
    }

    /** The record's headers as text (UTF-8), for operators looking at a poison record. */
    static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** Where a record sits: {@code partition 3 offset 1234}. */
    static String location(ConsumerRecord<?, ?> record) {
        return "partition " + record.partition() + " offset " + record.offset();
    }
}
