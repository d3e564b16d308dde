package io.switchboard.kafka;

import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Duplicate suppression by CloudEvent identity within a window on the scheduler's clock. */
class DuplicateFilterTest {

    private final ManualScheduler scheduler = new ManualScheduler();

    @Test
    void anEventHandledWithinTheWindowIsADuplicate() {
        DuplicateFilter filter = new DuplicateFilter(scheduler, Duration.ofMinutes(5), 100);
        assertThat(filter.alreadyHandled(TestEvents.event("a", "k"))).isFalse();
        filter.handled(TestEvents.event("a", "k"));

        scheduler.advance(Duration.ofMinutes(4));
        assertThat(filter.alreadyHandled(TestEvents.event("a", "k"))).isTrue();
        assertThat(filter.alreadyHandled(TestEvents.event("b", "k"))).isFalse();
    }

    @Test
    void theWindowExpiresOnTheSchedulersClock() {
        DuplicateFilter filter = new DuplicateFilter(scheduler, Duration.ofMinutes(5), 100);
        filter.handled(TestEvents.event("a", "k"));
        scheduler.advance(Duration.ofMinutes(5));
        assertThat(filter.alreadyHandled(TestEvents.event("a", "k"))).isFalse();
    }

    @Test
    void identityIsSourceAndId() {
        DuplicateFilter filter = new DuplicateFilter(scheduler, Duration.ofMinutes(5), 100);
        filter.handled(TestEvents.event("a", "k"));
        var sameIdOtherSource = io.cloudevents.core.builder.CloudEventBuilder.v1(TestEvents.event("a", "k"))
                .withSource(java.net.URI.create("/elsewhere")).build();
        assertThat(filter.alreadyHandled(sameIdOtherSource)).isFalse();
    }

    @Test
    void beyondCapacityTheOldestIdsAreForgotten() {
        DuplicateFilter filter = new DuplicateFilter(scheduler, Duration.ofMinutes(5), 2);
        filter.handled(TestEvents.event("a", "k"));
        filter.handled(TestEvents.event("b", "k"));
        filter.handled(TestEvents.event("c", "k"));
        assertThat(filter.alreadyHandled(TestEvents.event("a", "k"))).isFalse();
        assertThat(filter.alreadyHandled(TestEvents.event("b", "k"))).isTrue();
        assertThat(filter.alreadyHandled(TestEvents.event("c", "k"))).isTrue();
    }
}
