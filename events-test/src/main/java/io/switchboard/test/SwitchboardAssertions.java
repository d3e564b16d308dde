package io.switchboard.test;

import io.cloudevents.CloudEvent;

import java.util.List;

/**
 * Entry point of the AssertJ assertions for Switchboard tests. Import statically next to (or instead of) AssertJ's
 * {@code Assertions}:
 *
 * <pre>{@code
 * import static io.switchboard.test.SwitchboardAssertions.assertThat;
 *
 * assertThat(probe).received(2).ofType("order.created").withSubjects("o-1", "o-2");
 * assertThat(dlq).deadLettered(1).withExtension("dlattempts", 3);
 * assertThat(event).hasType("order.created").hasSubject("o-1");
 * }</pre>
 */
public final class SwitchboardAssertions {

    private SwitchboardAssertions() {
    }

    /** Assertions over what a probe captured; counts wait (bounded) for asynchronous delivery. */
    public static ProbeAssert assertThat(Probe probe) {
        return new ProbeAssert(probe);
    }

    /** Assertions over one CloudEvent. */
    public static CloudEventAssert assertThat(CloudEvent event) {
        return new CloudEventAssert(event);
    }

    /** Assertions over a list of CloudEvents. */
    public static CloudEventsAssert assertThatEvents(List<CloudEvent> events) {
        return new CloudEventsAssert(events);
    }
}
