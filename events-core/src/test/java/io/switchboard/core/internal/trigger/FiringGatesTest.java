package io.switchboard.core.internal.trigger;

import io.cloudevents.CloudEvent;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;

import static io.switchboard.core.internal.testing.TestEvents.event;
import static io.switchboard.core.internal.testing.TestEvents.withExtension;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FiringGatesTest {

    private final ManualScheduler scheduler = new ManualScheduler(Instant.parse("2026-01-01T10:00:00Z"));
    private final SubscriberCounters counters = new SubscriberCounters();

    private FiringGate gate(String condition, UnaryOperator<Subscriber.Builder> options, String... inputs) {
        Trigger.Builder trigger = Trigger.builder("t");
        for (String input : inputs) {
            trigger.input(input, null);
        }
        Subscriber subscriber = options.apply(Subscriber.builder("s").condition(condition)
                .sink(Sink.handler(e -> { }))).build();
        return FiringGates.create(trigger.subscriber(subscriber).build(), subscriber, scheduler, counters);
    }

    private FiringGate gate(String condition, String... inputs) {
        return gate(condition, b -> b, inputs);
    }

    @Test
    void orOnlyConditionFiresOnEveryEventOfANamedInput() {
        FiringGate gate = gate("a || b", "a", "b", "c");
        CloudEvent a = event("a", "k");
        CloudEvent b = event("b", "k");
        assertThat(gate).isInstanceOf(StatelessGate.class);
        assertThat(gate.offer("a", a)).containsExactly(Map.entry("a", a));
        assertThat(gate.offer("b", b)).containsExactly(Map.entry("b", b));
        assertThat(gate.offer("a", a)).containsExactly(Map.entry("a", a));
        assertThat(gate.offer("c", event("c", "k"))).isNull();
    }

    @Test
    void singleInputWithoutConditionIsStateless() {
        FiringGate gate = gate(null, "only");
        CloudEvent e = event("x", null);
        assertThat(gate.offer("only", e)).containsExactly(Map.entry("only", e));
    }

    @Test
    void noConditionMeansAllInputsJoinedWithAnd() {
        FiringGate gate = gate(null, "a", "b", "c");
        assertThat(gate.offer("a", event("a", null))).isNull();
        assertThat(gate.offer("b", event("b", null))).isNull();
        assertThat(gate.offer("c", event("c", null))).containsOnlyKeys("a", "b", "c");
    }

    @Test
    void andFiresOnceWithAllContributingEventsThenResets() {
        FiringGate gate = gate("a && b", "a", "b");
        CloudEvent a1 = event("a", null);
        CloudEvent a2 = event("a", null);
        CloudEvent b1 = event("b", null);
        assertThat(gate.offer("a", a1)).isNull();
        assertThat(gate.offer("a", a2)).isNull(); // the later event of an input replaces the held one
        assertThat(gate.offer("b", b1)).containsOnly(Map.entry("a", a2), Map.entry("b", b1));
        assertThat(gate.offer("b", event("b", null))).as("inputs were reset after firing").isNull();
        assertThat(((CorrelatingGate) gate).keysHeld()).isEqualTo(1);
    }

    @Test
    void levelTriggeredKeepsHeldEventsAndFiresOnEveryEventWhileTheConditionHolds() {
        FiringGate gate = gate("a && b", Subscriber.Builder::levelTriggered, "a", "b");
        CloudEvent a = event("a", null);
        CloudEvent b1 = event("b", null);
        CloudEvent b2 = event("b", null);
        assertThat(gate.offer("a", a)).isNull();
        assertThat(gate.offer("b", b1)).containsOnly(Map.entry("a", a), Map.entry("b", b1));
        assertThat(gate.offer("b", b2)).containsOnly(Map.entry("a", a), Map.entry("b", b2));
        CloudEvent a2 = event("a", null);
        assertThat(gate.offer("a", a2)).containsOnly(Map.entry("a", a2), Map.entry("b", b2));
    }

    @Test
    void negatedInputInhibitsWhileHeldAndIsNeverDelivered() {
        FiringGate gate = gate("a && !b", Subscriber.Builder::levelTriggered, "a", "b");
        CloudEvent a = event("a", null);
        assertThat(gate.offer("a", a)).containsExactly(Map.entry("a", a));
        assertThat(gate.offer("b", event("b", null))).as("an inhibitor never fires").isNull();
        assertThat(gate.offer("a", event("a", null))).as("a held b inhibits a").isNull();
    }

    @Test
    void negatedInputIsClearedByTheWindow() {
        FiringGate gate = gate("a && !b", b -> b.within(Duration.ofMinutes(1)), "a", "b");
        assertThat(gate.offer("b", event("b", null))).isNull();
        assertThat(gate.offer("a", event("a", null))).isNull();
        scheduler.advance(Duration.ofSeconds(61));
        CloudEvent a = event("a", null);
        assertThat(gate.offer("a", a)).containsExactly(Map.entry("a", a));
    }

    @Test
    void everyHeldPositiveInputContributesAndIsReset() {
        FiringGate gate = gate("a || (b && c)", "a", "b", "c");
        CloudEvent b = event("b", null);
        CloudEvent a = event("a", null);
        assertThat(gate.offer("b", b)).isNull();
        assertThat(gate.offer("a", a)).containsOnly(Map.entry("a", a), Map.entry("b", b));
        assertThat(gate.offer("c", event("c", null))).as("b was delivered and reset").isNull();
    }

    @Test
    void correlationKeepsKeysApart() {
        FiringGate gate = gate("a && b", b -> b.correlateBy("subject"), "a", "b");
        CloudEvent a1 = event("a", "order-1");
        CloudEvent b2 = event("b", "order-2");
        CloudEvent b1 = event("b", "order-1");
        assertThat(gate.offer("a", a1)).isNull();
        assertThat(gate.offer("b", b2)).isNull();
        assertThat(gate.offer("b", b1)).containsOnly(Map.entry("a", a1), Map.entry("b", b1));
        assertThat(((CorrelatingGate) gate).keysHeld()).isEqualTo(1);
    }

    @Test
    void correlationByExtension() {
        FiringGate gate = gate("a && b", b -> b.correlateBy("orderid"), "a", "b");
        CloudEvent a = withExtension("a", "orderid", "42");
        CloudEvent b = withExtension("b", "orderid", "42");
        assertThat(gate.offer("a", a)).isNull();
        assertThat(gate.offer("b", withExtension("b", "orderid", "43"))).isNull();
        assertThat(gate.offer("b", b)).containsOnly(Map.entry("a", a), Map.entry("b", b));
    }

    @Test
    void eventWithoutTheCorrelationAttributeIsCountedAndNotHeld() {
        FiringGate gate = gate("a && b", b -> b.correlateBy("subject"), "a", "b");
        assertThat(gate.offer("a", event("a", null))).isNull();
        assertThat(gate.offer("b", event("b", null))).isNull();
        assertThat(counters.uncorrelated.sum()).isEqualTo(2);
        assertThat(((CorrelatingGate) gate).keysHeld()).isZero();
    }

    @Test
    void heldEventsExpireAfterTheWindowOnArrival() {
        FiringGate gate = gate("a && b", b -> b.correlateBy("subject").within(Duration.ofSeconds(30)), "a", "b");
        assertThat(gate.offer("a", event("a", "k"))).isNull();
        scheduler.jumpTo(scheduler.now().plusSeconds(30)); // exactly the window: still valid
        CloudEvent a = event("a", "k2");
        assertThat(gate.offer("a", a)).isNull();
        CloudEvent b = event("b", "k2");
        scheduler.jumpTo(scheduler.now().plusSeconds(31));
        assertThat(gate.offer("b", b)).as("a of k2 arrived 31 s ago").isNull();
        assertThat(counters.evicted.sum()).isEqualTo(1);
    }

    @Test
    void windowBoundaryIsInclusive() {
        FiringGate gate = gate("a && b", b -> b.within(Duration.ofSeconds(30)), "a", "b");
        CloudEvent a = event("a", null);
        gate.offer("a", a);
        scheduler.jumpTo(scheduler.now().plusSeconds(30));
        CloudEvent b = event("b", null);
        assertThat(gate.offer("b", b)).containsOnly(Map.entry("a", a), Map.entry("b", b));
    }

    @Test
    void sweepDropsExpiredKeysThatSeeNoFurtherEvents() {
        FiringGate gate = gate("a && b", b -> b.correlateBy("subject").within(Duration.ofSeconds(10)), "a", "b");
        for (int i = 0; i < 100; i++) {
            gate.offer("a", event("a", "k" + i));
        }
        assertThat(((CorrelatingGate) gate).keysHeld()).isEqualTo(100);
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(((CorrelatingGate) gate).keysHeld()).as("not older than the window yet").isEqualTo(100);
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(((CorrelatingGate) gate).keysHeld()).isZero();
        assertThat(counters.evicted.sum()).isEqualTo(100);
        gate.close();
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void oldestKeyIsEvictedBeyondMaxKeys() {
        FiringGate gate = gate("a && b", b -> b.correlateBy("subject").maxKeys(3), "a", "b");
        gate.offer("a", event("a", "k1"));
        gate.offer("a", event("a", "k2"));
        gate.offer("a", event("a", "k3"));
        gate.offer("a", event("a", "k2")); // updating a key does not make it younger
        gate.offer("a", event("a", "k4"));
        assertThat(counters.evicted.sum()).isEqualTo(1);
        assertThat(((CorrelatingGate) gate).keysHeld()).isEqualTo(3);
        assertThat(gate.offer("b", event("b", "k2"))).isNotNull();
        assertThat(gate.offer("b", event("b", "k1"))).as("k1 was evicted").isNull();
        assertThat(counters.evicted.sum()).isEqualTo(1);
    }

    @Test
    void keysThatFiredDoNotCountTowardsMaxKeys() {
        FiringGate gate = gate("a && b", b -> b.correlateBy("subject").maxKeys(2), "a", "b");
        int fired = 0;
        for (int i = 0; i < 5000; i++) {
            gate.offer("a", event("a", "k" + i));
            fired += gate.offer("b", event("b", "k" + i)) == null ? 0 : 1;
        }
        assertThat(fired).isEqualTo(5000);
        gate.offer("a", event("a", "x"));
        gate.offer("a", event("a", "y"));
        assertThat(counters.evicted.sum()).isZero();
    }

    @Test
    void cronResetClearsEveryHeldEvent() {
        FiringGate gate = gate("a && b", b -> b.correlateBy("subject").resetOn("0 * * * *"), "a", "b");
        gate.offer("a", event("a", "k1"));
        gate.offer("a", event("a", "k2"));
        scheduler.advanceTo(Instant.parse("2026-01-01T10:59:59Z"));
        CloudEvent b = event("b", "k1");
        assertThat(gate.offer("b", b)).isNotNull();
        gate.offer("a", event("a", "k1"));
        scheduler.advanceTo(Instant.parse("2026-01-01T11:00:00Z"));
        assertThat(((CorrelatingGate) gate).keysHeld()).isZero();
        assertThat(gate.offer("b", event("b", "k2"))).isNull();
        gate.offer("a", event("a", "k3"));
        scheduler.advanceTo(Instant.parse("2026-01-01T12:00:00Z"));
        assertThat(((CorrelatingGate) gate).keysHeld()).as("the reset repeats").isZero();
        assertThat(scheduler.pendingDueTimes()).containsExactly(Instant.parse("2026-01-01T13:00:00Z"));
        gate.close();
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void cronResetAcceptsMacrosAndSpringAndQuartz() {
        gate("a && b", b -> b.resetOn("@hourly"), "a", "b").close();
        gate("a && b", b -> b.resetOn("@every 90s"), "a", "b").close();
        gate("a && b", b -> b.resetOn("0 0 * * * *"), "a", "b").close();
        gate("a && b", b -> b.resetOn("0 0 12 ? * MON-FRI"), "a", "b").close();
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void configurationMistakesAreReportedClearly() {
        assertThatThrownBy(() -> gate("a && x", "a", "b"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("subscriber 's' of trigger 't'")
                .hasMessageContaining("unknown input 'x'").hasMessageContaining("[a, b]");
        assertThatThrownBy(() -> gate("a && b", b -> b.correlateBy("orderId"), "a", "b"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("e.g. 'orderid'");
        assertThatThrownBy(() -> gate("a && b", b -> b.resetOn("every hour"), "a", "b"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("resetOn: invalid schedule \"every hour\"");
        assertThatThrownBy(() -> gate("a && b", b -> b.resetOn("99 * * * *"), "a", "b"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("resetOn: invalid schedule");
    }

    @Test
    void replacementGateTakesOverHeldEventsOfTheSameInputsAndCorrelation() {
        Subscriber old = Subscriber.builder("s").condition("a && b").correlateBy("subject").handler(e -> { }).build();
        Subscriber changed = old.toBuilder().condition("b && a").within(Duration.ofMinutes(5)).build();
        Subscriber recorrelated = old.toBuilder().correlateBy("orderid").build();
        Trigger trigger = Trigger.builder("t").input("a", null).input("b", null).subscriber(old).build();
        FiringGate first = FiringGates.create(trigger, old, scheduler, counters);
        CloudEvent a = event("a", "k1");
        first.offer("a", a);

        FiringGate second = FiringGates.create(trigger, changed, scheduler, counters, first);
        FiringGate unrelated = FiringGates.create(trigger, recorrelated, scheduler, counters, first);
        first.close();
        CloudEvent b = event("b", "k1");
        assertThat(unrelated.offer("b", withExtension("b", "orderid", "k1"))).isNull();
        assertThat(second.offer("b", b)).containsOnly(Map.entry("a", a), Map.entry("b", b));
        second.close();
        unrelated.close();
    }
}
