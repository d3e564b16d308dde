package io.switchboard.test;

import io.cloudevents.CloudEvent;
import org.assertj.core.api.Assertions;

import java.util.List;

/**
 * Entry point of the AssertJ assertions for Switchboard tests. It extends AssertJ's {@link Assertions}, so one static
 * import gives both AssertJ's assertions and Switchboard's:
 *
 * <pre>{@code
 * import static io.switchboard.test.SwitchboardAssertions.assertThat;
 *
 * assertThat(probe).received(2).ofType("order.created").withSubjects("o-1", "o-2");
 * assertThat(dlq).deadLettered(1).withExtension("dlattempts", 3);
 * assertThat(event).hasType("order.created").hasSubject("o-1");
 * }</pre>
 */
public class SwitchboardAssertions extends Assertions {

    /** Only for subclasses that add their own entry points (AssertJ's extension pattern). */
    protected SwitchboardAssertions() {
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
