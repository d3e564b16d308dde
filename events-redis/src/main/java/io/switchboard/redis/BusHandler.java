package io.switchboard.redis;

import io.cloudevents.CloudEvent;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.PoisonMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a bus subscription does with one entry: decode it and deliver it with its {@link Entry acknowledgement}, or,
 * when it does not decode, hand it to {@link BusConsumer#poison}; if that fails, copy the entry to the bus's
 * dead-letter stream with reason fields. Either way the entry is acknowledged only once that finished.
 */
final class BusHandler implements Lanes.Handler {

    private static final Logger log = LoggerFactory.getLogger(BusHandler.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    static final String POISON_REASON = "switchboard-poison-reason";
    static final String POISON_LOCATION = "switchboard-poison-location";
    static final String POISON_TOPIC = "switchboard-poison-topic";

    /** Adds an entry to the dead-letter stream; the stage completes when Redis answered. */
    @FunctionalInterface
    interface DeadLetters {
        CompletionStage<Void> add(Map<String, byte[]> fields);
    }

    private final String topic;
    private final BusConsumer consumer;
    private final DeadLetters deadLetters;

    BusHandler(String topic, BusConsumer consumer, DeadLetters deadLetters) {
        this.topic = topic;
        this.consumer = consumer;
        this.deadLetters = deadLetters;
    }

    @Override
    public CompletionStage<Void> handle(Entry entry) {
        Object decoded = entry.decoded;
        if (decoded == null) {
            decoded = decode(entry);
            entry.decoded = decoded;
        }
        if (decoded instanceof PoisonMessage poison) {
            return poison(poison, entry);
        }
        entry.beginTurn();
        return consumer.deliver((CloudEvent) decoded, entry);
    }

    private Object decode(Entry entry) {
        try {
            return EntryFormat.decode(entry.fields);
        } catch (RuntimeException e) {
            return new PoisonMessage(topic, entry.fields.get(EntryFormat.DATA), EntryFormat.headers(entry.fields),
                    e.getMessage() == null ? e.toString() : e.getMessage(), location(entry));
        }
    }

    private static String location(Entry entry) {
        return "stream " + entry.shard.stream + " entry " + entry.id;
    }

    private CompletionStage<Void> poison(PoisonMessage poison, Entry entry) {
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
            Map<String, byte[]> fields = new LinkedHashMap<>(entry.fields);
            fields.put(POISON_REASON, EntryFormat.utf8(poison.reason()));
            fields.put(POISON_LOCATION, EntryFormat.utf8(poison.location()));
            fields.put(POISON_TOPIC, EntryFormat.utf8(topic));
            log.warn("topic '{}': undecodable entry at {} goes to the dead-letter stream ({}; the consumer's poison"
                    + " handling failed: {})", topic, poison.location(), poison.reason(), Lanes.unwrap(error).toString());
            return deadLetters.add(fields);
        });
    }
}
