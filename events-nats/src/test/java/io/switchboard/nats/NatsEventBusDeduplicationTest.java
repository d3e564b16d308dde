package io.switchboard.nats;

import io.cloudevents.CloudEvent;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StreamInfoOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream drops a copy of an event published again to the same topic, and stores the same event published to
 * another topic (one stream holds every topic: a subscriber's correlation copy is the source event on another topic).
 */
class NatsEventBusDeduplicationTest {

    private final NatsBusConfig config = SharedNats.fastBus(SharedNats.URL, SharedNats.uniquePrefix("dedup")).build();

    @AfterEach
    void deleteStream() {
        SharedNats.cleanUp(config);
    }

    @Test
    void theSameEventIsStoredOncePerTopic() throws Exception {
        CloudEvent event = TestEvents.event("e-1", "k");
        try (NatsEventBus bus = NatsEventBus.create(config)) {
            bus.publish("first", event).toCompletableFuture().join();
            bus.publish("first", event).toCompletableFuture().join(); // a retry: a duplicate
            bus.publish("second", event).toCompletableFuture().join(); // another topic: a message of its own
            bus.publish("second.copy", event, "other-key").toCompletableFuture().join();
        }
        try (Connection c = Nats.connect(SharedNats.URL)) {
            Map<String, Long> bySubject = c.jetStreamManagement()
                    .getStreamInfo(config.stream(), StreamInfoOptions.allSubjects()).getStreamState().getSubjectMap();
            long first = bySubject.entrySet().stream().filter(e -> e.getKey().startsWith(config.subjectPrefix() + ".first."))
                    .mapToLong(Map.Entry::getValue).sum();
            long second = bySubject.entrySet().stream()
                    .filter(e -> e.getKey().matches(java.util.regex.Pattern.quote(config.subjectPrefix()) + "\\.second\\.\\d+"))
                    .mapToLong(Map.Entry::getValue).sum();
            long copy = bySubject.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(config.subjectPrefix() + ".second.copy."))
                    .mapToLong(Map.Entry::getValue).sum();
            assertThat(first).as("published twice to one topic: stored once").isEqualTo(1);
            assertThat(second).as("the same event on a second topic: stored").isEqualTo(1);
            assertThat(copy).as("and on a third, under another key").isEqualTo(1);
        }
    }
}
