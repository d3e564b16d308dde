package io.switchboard.test;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.switchboard.test.SwitchboardAssertions.assertThat;

/**
 * Batching and debounce of events with one subject, through the harness: the runtime acknowledges such events once
 * they are in the subscriber's buffer, so the bus hands out the next one of the same key and they combine.
 */
class BatchingAndDebounceTest {

    private final Probe batches = Probe.named("batches");
    private final Probe debounced = Probe.named("debounced");

    @RegisterExtension
    final SwitchboardExtension switchboard = SwitchboardExtension.create()
            .configure(builder -> builder
                    .trigger(Trigger.builder("audit").input("in", "type = 'audit'")
                            .subscriber(Subscriber.builder("store").batch(10, Duration.ofSeconds(5))
                                    .sink(batches.sink()).build())
                            .build())
                    .trigger(Trigger.builder("search").input("in", "type = 'edit'")
                            .subscriber(Subscriber.builder("reindex").debounce(Duration.ofSeconds(5))
                                    .sink(debounced.sink()).build())
                            .build()));

    @Test
    void threeSameSubjectEventsMakeOneBatchOfThree() {
        for (int i = 0; i < 3; i++) {
            switchboard.publish(Events.event("audit").subject("same"));
        }
        assertThat(batches).receivedNothing();

        switchboard.advance(Duration.ofSeconds(5));
        assertThat(batches).fired(1).first()
                .satisfies(batch -> Assertions.assertThat(batch.batch()).hasSize(3));
    }

    @Test
    void threeSameSubjectEventsOneSecondApartDebounceToTheLastOne() {
        CloudEvent last = null;
        for (int i = 0; i < 3; i++) {
            last = switchboard.publish(Events.event("edit").subject("same"));
            switchboard.advance(Duration.ofSeconds(1));
        }
        assertThat(debounced).receivedNothing();

        switchboard.advance(Duration.ofSeconds(4));
        String lastId = last.getId();
        assertThat(debounced).fired(1).first()
                .satisfies(firing -> Assertions.assertThat(firing.event().getId()).isEqualTo(lastId));
    }
}
