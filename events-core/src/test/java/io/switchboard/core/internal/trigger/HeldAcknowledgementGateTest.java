package io.switchboard.core.internal.trigger;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Acknowledgement;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate on the cross-instance path: it keeps the bus acknowledgement of what it holds and lets go at the right time. */
class HeldAcknowledgementGateTest {

    private final ManualScheduler scheduler = new ManualScheduler(Instant.parse("2026-01-01T10:00:00Z"));
    private final SubscriberCounters counters = new SubscriberCounters();

    /** An acknowledgement that records what happened to it. */
    static final class Ack implements Acknowledgement {
        boolean held;
        int released;
        Runnable onReturn;

        @Override
        public Acknowledgement hold() {
            held = true;
            return this;
        }

        @Override
        public void release() {
            released++;
        }

        @Override
        public void whenReturned(Runnable action) {
            onReturn = action;
        }

        Ack holding() {
            hold();
            return this;
        }
    }

    private FiringGate gate(UnaryOperator<Subscriber.Builder> options) {
        Subscriber s = options.apply(Subscriber.builder("s").condition("a && b").correlateBy("orderid")
                .sink(Sink.handler(e -> { }))).build();
        Trigger t = Trigger.builder("t").input("a", null).input("b", null).subscriber(s).build();
        return FiringGates.create(t, s, scheduler, counters);
    }

    private static CloudEvent event(String id, String order) {
        return CloudEventBuilder.v1().withId(id).withType("x").withSource(URI.create("/t"))
                .withExtension("orderid", order).build();
    }

    @Test
    void a_held_event_keeps_its_acknowledgement_until_the_firing_that_consumes_it_is_handed_back() {
        FiringGate gate = gate(b -> b);
        Ack a = new Ack().holding();
        assertThat(gate.offerHeld("a", event("a1", "o1"), a, -1)).isNull();
        assertThat(a.released).isZero();

        Ack b = new Ack().holding();
        FiringGate.HeldOffer fired = gate.offerHeld("b", event("b1", "o1"), b, -1);
        assertThat(fired.fired()).containsOnlyKeys("a", "b");
        assertThat(b.released).as("the completing event is not held: acknowledged with its turn").isEqualTo(1);
        assertThat(fired.releaseAfterFiring()).extracting(FiringGate.HeldEvent::acknowledgement).containsExactly(a);
        assertThat(a.released).as("released by the caller after the firing's delivery").isZero();
    }

    @Test
    void a_newer_event_of_the_same_input_releases_the_one_it_replaces() {
        FiringGate gate = gate(b -> b);
        Ack first = new Ack().holding();
        Ack second = new Ack().holding();
        gate.offerHeld("a", event("a1", "o1"), first, -1);
        gate.offerHeld("a", event("a2", "o1"), second, -1);
        assertThat(first.released).isEqualTo(1);
        assertThat(second.released).isZero();
    }

    @Test
    void expiry_eviction_reset_and_removal_release_what_they_drop() {
        FiringGate windowed = gate(b -> b.within(Duration.ofSeconds(5)));
        Ack expiring = new Ack().holding();
        windowed.offerHeld("a", event("a1", "o1"), expiring, -1);
        scheduler.advance(Duration.ofSeconds(11)); // the sweep runs every window
        assertThat(expiring.released).isEqualTo(1);

        FiringGate bounded = gate(b -> b.maxKeys(1));
        Ack oldest = new Ack().holding();
        bounded.offerHeld("a", event("a1", "o1"), oldest, -1);
        bounded.offerHeld("a", event("a2", "o2"), new Ack().holding(), -1);
        assertThat(oldest.released).isEqualTo(1);

        FiringGate reset = gate(b -> b.resetOn("@hourly"));
        Ack cleared = new Ack().holding();
        reset.offerHeld("a", event("a1", "o1"), cleared, -1);
        scheduler.advance(Duration.ofHours(1));
        assertThat(cleared.released).isEqualTo(1);

        FiringGate removed = gate(b -> b);
        Ack dropped = new Ack().holding();
        removed.offerHeld("a", event("a1", "o1"), dropped, -1);
        removed.releaseHeld();
        assertThat(dropped.released).isEqualTo(1);
    }

    @Test
    void an_event_the_bus_takes_back_is_forgotten_without_release() {
        FiringGate gate = gate(b -> b);
        Ack a = new Ack().holding();
        gate.offerHeld("a", event("a1", "o1"), a, -1);
        a.onReturn.run();
        Ack b = new Ack().holding();
        assertThat(gate.offerHeld("b", event("b1", "o1"), b, -1)).as("its partner no longer finds it").isNull();
        assertThat(a.released).isZero();
    }

    @Test
    void a_long_held_event_is_reparked_and_its_copy_held_again_once_and_dropped_after_its_original_fired() {
        FiringGate gate = gate(b -> b);
        List<CloudEvent> reparked = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        gate.reparkAfter(Duration.ofMinutes(10), (input, event, arrived) -> {
            reparked.add(event);
            arrivals.add(arrived);
            return CompletableFuture.completedFuture(null);
        });
        Ack original = new Ack().holding();
        CloudEvent a1 = event("a1", "o1");
        gate.offerHeld("a", a1, original, -1);
        scheduler.advance(Duration.ofMinutes(9));
        assertThat(reparked).isEmpty();
        scheduler.advance(Duration.ofMinutes(2));
        assertThat(reparked).containsExactly(a1);
        assertThat(arrivals).containsExactly(Instant.parse("2026-01-01T10:00:00Z").toEpochMilli());
        assertThat(original.released).isEqualTo(1);
        assertThat(counters.reparked.sum()).isEqualTo(1);

        Ack copy = new Ack().holding();
        assertThat(gate.offerHeld("a", a1, copy, arrivals.get(0))).isNull();
        assertThat(copy.released).as("the copy is held in its original's place").isZero();

        Ack partner = new Ack().holding();
        FiringGate.HeldOffer fired = gate.offerHeld("b", event("b1", "o1"), partner, -1);
        assertThat(fired.fired()).containsEntry("a", a1);
        assertThat(fired.releaseAfterFiring()).extracting(FiringGate.HeldEvent::acknowledgement).containsExactly(copy);

        Ack late = new Ack().holding();
        assertThat(gate.offerHeld("a", a1, late, arrivals.get(0))).as("a duplicate copy after its firing").isNull();
        assertThat(late.released).isEqualTo(1);
        Ack partner2 = new Ack().holding();
        assertThat(gate.offerHeld("b", event("b2", "o1"), partner2, -1)).as("the duplicate was not held").isNull();
    }

    @Test
    void a_reparked_copy_yields_to_a_newer_event_and_to_a_redelivered_original_of_itself() {
        FiringGate gate = gate(b -> b);
        Ack newer = new Ack().holding();
        gate.offerHeld("a", event("a2", "o1"), newer, -1);
        Ack stale = new Ack().holding();
        assertThat(gate.offerHeld("a", event("a1", "o1"), stale, 0)).isNull();
        assertThat(stale.released).as("latest wins").isEqualTo(1);

        Ack copyOfNewer = new Ack().holding();
        gate.offerHeld("a", event("a2", "o1"), copyOfNewer, 0);
        assertThat(newer.released).as("the same event: the copy's acknowledgement takes over").isEqualTo(1);
        assertThat(copyOfNewer.released).isZero();
    }

    @Test
    void restored_partners_of_an_unsettled_firing_let_the_redelivered_event_fire_again() {
        FiringGate gate = gate(b -> b);
        Ack a = new Ack().holding();
        CloudEvent a1 = event("a1", "o1");
        gate.offerHeld("a", a1, a, -1);
        CloudEvent b1 = event("b1", "o1");
        FiringGate.HeldOffer fired = gate.offerHeld("b", b1, new Ack().holding(), -1);
        FiringGate.HeldEvent partner = fired.releaseAfterFiring().get(0);
        gate.forgetConsumed("b", b1);
        gate.restoreHeld(partner.input(), partner.event(), partner.acknowledgement());
        assertThat(gate.offerHeld("b", b1, new Ack().holding(), -1).fired()).containsEntry("a", a1);
        assertThat(a.released).isZero();
    }

    @Test
    void a_replayed_copy_of_an_event_that_already_fired_is_dropped_and_one_still_held_is_kept_once() {
        FiringGate gate = gate(b -> b);
        CloudEvent a1 = event("a1", "o1");
        Ack first = new Ack().holding();
        gate.offerHeld("a", a1, first, -1);
        Ack replayedWhileHeld = new Ack().holding();
        assertThat(gate.offerHeld("a", a1, replayedWhileHeld, -1)).isNull();
        assertThat(first.released).as("the newer delivery's acknowledgement takes over").isEqualTo(1);

        FiringGate.HeldOffer fired = gate.offerHeld("b", event("b1", "o1"), new Ack().holding(), -1);
        assertThat(fired.releaseAfterFiring()).extracting(FiringGate.HeldEvent::acknowledgement)
                .containsExactly(replayedWhileHeld);

        Ack replayedAfterFiring = new Ack().holding();
        assertThat(gate.offerHeld("a", a1, replayedAfterFiring, -1)).isNull();
        assertThat(replayedAfterFiring.released).isEqualTo(1);
        assertThat(gate.heldEvents()).as("the duplicate is not held").isZero();
    }
}
