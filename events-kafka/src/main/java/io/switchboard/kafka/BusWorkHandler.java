package io.switchboard.kafka;

import io.cloudevents.CloudEvent;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.PoisonMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a bus subscription does with one record: decode it with the CloudEvents Kafka binding and deliver it, or,
 * when it does not decode, hand it to {@link BusConsumer#poison}; if that fails, forward the raw record to the
 * bus's dead-letter topic. Either way the record is acknowledged only once that finished. Events go through
 * {@link BusConsumer#deliver(CloudEvent, io.switchboard.api.Acknowledgement)} with their {@link Work} as the
 * acknowledgement, so a consumer may hold one past its turn.
 */
final class BusWorkHandler implements WorkHandler {

    private static final Logger log = LoggerFactory.getLogger(BusWorkHandler.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    static final String POISON_REASON_HEADER = "switchboard_poison_reason";
    static final String POISON_LOCATION_HEADER = "switchboard_poison_location";

    private final String topic;
    private final BusConsumer consumer;
    private final DuplicateFilter duplicates;
    private final DeadLetters deadLetter;

    /** Forwards a raw record to the dead-letter topic; the stage completes when the broker acknowledged it. */
    @FunctionalInterface
    interface DeadLetters {
        CompletionStage<Void> forward(byte[] key, byte[] value, RecordHeaders headers);
    }

    BusWorkHandler(String topic, BusConsumer consumer, DuplicateFilter duplicates, DeadLetters deadLetter) {
        this.topic = topic;
        this.consumer = consumer;
        this.duplicates = duplicates;
        this.deadLetter = deadLetter;
    }

    @Override
    public CompletionStage<Void> handle(Work work) {
        ConsumerRecord<byte[], byte[]> record = work.first();
        Object decoded = work.decoded;
        if (decoded == null) {
            decoded = decode(record);
            work.decoded = decoded;
        }
        if (decoded instanceof PoisonMessage poison) {
            return poison(poison, record);
        }
        CloudEvent event = (CloudEvent) decoded;
        if (duplicates == null) {
            return consumer.deliver(event, work); // the work is the event's acknowledgement: the consumer may hold it
        }
        if (duplicates.alreadyHandled(event)) {
            log.debug("topic '{}': event '{}' from '{}' was handled within the duplicate window; acknowledged without"
                    + " delivery", topic, event.getId(), event.getSource());
            return DONE;
        }
        return consumer.deliver(event, work).thenRun(() -> duplicates.handled(event));
    }

    private Object decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return CloudEventRecords.decode(record);
        } catch (RuntimeException e) {
            return new PoisonMessage(topic, record.value(), CloudEventRecords.headers(record),
                    "not a CloudEvent in the Kafka protocol binding: " + e.getMessage(),
                    CloudEventRecords.location(record));
        }
    }

    private CompletionStage<Void> poison(PoisonMessage poison, ConsumerRecord<byte[], byte[]> record) {
        CompletionStage<Void> handled;
        try {
            handled = consumer.poison(poison);
        } catch (RuntimeException e) {
            handled = CompletableFuture.failedFuture(e);
        }
        return handled.handle((ignored, error) -> error).thenCompose(error -> {
            if (error == null) {
                return DONE;
            }
            RecordHeaders headers = new RecordHeaders(record.headers().toArray());
            headers.add(POISON_REASON_HEADER, poison.reason().getBytes(StandardCharsets.UTF_8));
            headers.add(POISON_LOCATION_HEADER, (record.topic() + " " + poison.location()).getBytes(StandardCharsets.UTF_8));
            log.warn("topic '{}': undecodable record at {} goes to the dead-letter topic ({}; the consumer's poison"
                    + " handling failed: {})", topic, poison.location(), poison.reason(), Lanes.unwrap(error).toString());
            return deadLetter.forward(record.key(), record.value(), headers);
        });
    }
}
