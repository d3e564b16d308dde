package io.switchboard.test;

import io.switchboard.api.EventBus;
import io.switchboard.core.bus.InMemoryEventBus;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

/** The in-memory bus against the compatibility kit (not durable and without a wire: two groups skip). */
class InMemoryEventBusCompatibilityTest extends EventBusCompatibilityKit {

    private static final String HUNG_STAGE_OF_CLOSED_MEMBER = "InMemoryEventBus: Member.close() returns at once but"
            + " the partition keeps waiting for the closed member's unfinished stage (Partition.run/onOutcome), so the"
            + " event never goes to the remaining member and a late normal completion acknowledges it; Subscription.close"
            + " requires in-flight deliveries to finish or be abandoned unacknowledged";

    @RegisterExtension
    static final KnownBusIssues KNOWN_ISSUES = new KnownBusIssues(Map.of(
            "unfinishedEventGoesToNextMember", HUNG_STAGE_OF_CLOSED_MEMBER,
            "laterEventsDoNotAcknowledgeEarlierUnfinishedOne", HUNG_STAGE_OF_CLOSED_MEMBER));

    @Override
    protected EventBus createBus() {
        // short redelivery backoff: the acknowledgement tests wait for redeliveries in real time
        return InMemoryEventBus.builder().redeliveryBackoff(Duration.ofMillis(5), Duration.ofMillis(50)).build();
    }

    @Override
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(5);
    }
}
