package io.switchboard.test;

import io.switchboard.api.Trigger;
import org.junit.jupiter.api.Test;

import static io.switchboard.test.SwitchboardAssertions.assertThat;

@SwitchboardTest
class SwitchboardTestAnnotationTest {

    @Test
    void aHarnessIsInjected(SwitchboardHarness harness) {
        Probe probe = harness.probe("all");
        harness.trigger(Trigger.builder("all").input("all", null).subscriber("s", null, probe.sink()).build());

        harness.publish(Events.of("ping"));

        assertThat(probe).received(1).ofType("ping");
    }
}
