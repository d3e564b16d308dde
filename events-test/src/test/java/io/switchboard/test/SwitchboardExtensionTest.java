package io.switchboard.test;

import io.cloudevents.CloudEvent;
import io.switchboard.api.BusCapability;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.EventBus;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Subscription;
import io.switchboard.api.Trigger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import static io.switchboard.test.SwitchboardAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SwitchboardExtensionTest {

    @RegisterExtension
    final SwitchboardExtension switchboard = SwitchboardExtension.create()
            .startingAt(Instant.parse("2026-03-01T08:00:00Z"))
            .swapBusTypes("kafka"); // events-kafka is not on this module's class path


    private static DeliveryPolicy retries(int attempts, Duration first) {
        return DeliveryPolicy.builder().maxAttempts(attempts).backoff(first, Duration.ofMinutes(1), 2.0).jitter(0).build();
    }

    @Test
    void publishedEventsReachProbesBeforePublishReturns() {
        Probe created = switchboard.probe("created");
        switchboard.trigger(Trigger.builder("orders").input("created", "type = 'order.created'")
                .subscriber("record", null, created.sink()).build());

        switchboard.publish(Events.event("order.created").subject("o-1"));
        switchboard.publish(Events.event("order.cancelled").subject("o-1"));

        assertThat(created).received(1).ofType("order.created").withSubject("o-1");
        assertThat(switchboard.stats("orders", "record").delivered()).isEqualTo(1);
    }

    @Test
    void advancingTheClockReleasesRetryBackoffsInOrder() {
        Probe flaky = switchboard.probe("flaky");
        switchboard.trigger(Trigger.builder("orders").input("all", null)
                .subscriber(Subscriber.builder("flaky").sink(flaky.sinkFailingFirst(2))
                        .deliveryPolicy(retries(3, Duration.ofSeconds(1))).build())
                .build());

        switchboard.publish(Events.of("order.created"));
        assertThat(flaky).attempted(1).receivedNothing();

        switchboard.advance(Duration.ofMillis(999));
        assertThat(flaky).attempted(1);

        switchboard.advance(Duration.ofMillis(1));
        assertThat(flaky).attempted(2).receivedNothing();

        switchboard.advance(Duration.ofSeconds(2));
        assertThat(flaky).attempted(3).received(1).ofType("order.created");
    }

    @Test
    void exhaustedRetriesAreDeadLetteredWithTheirFailure() {
        Probe failing = switchboard.probe("failing");
        switchboard.trigger(Trigger.builder("orders").input("all", null)
                .subscriber(Subscriber.builder("doomed").sink(failing.failingSink())
                        .deliveryPolicy(retries(3, Duration.ofSeconds(1))).deadLetter(failing.deadLetterSink()).build())
                .build());

        CloudEvent sent = switchboard.publish(Events.event("order.created").subject("o-7"));
        switchboard.advance(Duration.ofMinutes(1));

        assertThat(failing).deadLettered(1).withIds(sent.getId()).withExtension("dlattempts", 3)
                .withExtension("dlreason", "exhausted").withExtension("dltrigger", "orders")
                .withExtension("dlsubscriber", "doomed");
        assertThat(failing).attempted(3).receivedNothing();
    }

    @Test
    void heldEventsExpireWhenTheWindowPasses() {
        Probe shipping = switchboard.probe("shipping");
        switchboard.trigger(Trigger.builder("shipping")
                .input("created", "type = 'order.created'")
                .input("paid", "type = 'payment.settled'")
                .subscriber(Subscriber.builder("ship").condition("created && paid").correlateBy("subject")
                        .within(Duration.ofHours(1)).sink(shipping.sink()).build())
                .build());

        switchboard.publish(Events.event("payment.settled").subject("o-1"));
        switchboard.advance(Duration.ofMinutes(61));
        switchboard.publish(Events.event("order.created").subject("o-1"));
        assertThat(shipping).receivedNothing();

        switchboard.publish(Events.event("payment.settled").subject("o-1"));
        assertThat(shipping).fired(1).first().satisfies(firing -> {
            assertThat(firing.event("created")).hasType("order.created");
            assertThat(firing.event("paid")).hasType("payment.settled");
        });
    }

    @Test
    void batchesFlushWhenTheirWaitIsOver() {
        Probe batches = switchboard.probe("batches");
        switchboard.trigger(Trigger.builder("audit").input("all", null)
                .subscriber(Subscriber.builder("batch").batch(10, Duration.ofSeconds(5)).sink(batches.sink()).build())
                .build());

        // different keys: the bus hands the runtime one event per key at a time, acknowledged when its batch is done
        switchboard.publish(Events.event("audit").subject("a"));
        switchboard.publish(Events.event("audit").subject("b"));
        switchboard.publish(Events.event("audit").subject("c"));
        assertThat(batches).receivedNothing();

        switchboard.advance(Duration.ofSeconds(5));
        assertThat(batches).fired(1).first().satisfies(firing -> assertThat(firing.batch()).hasSize(3));
    }

    @Test
    void requestsGetTheReplyOfTheReplyingSubscriber() {
        Probe quotes = switchboard.probe("quotes");
        switchboard.trigger(Trigger.builder("quotes").input("ask", "type = 'quote.requested'")
                .subscriber("answer", null, quotes.replying(ask -> Events.event("quote.given").subject(ask.getSubject())
                        .data("{\"price\":12}").build()))
                .build());

        CloudEvent reply = switchboard.request(Events.event("quote.requested").subject("q-1"));

        assertThat(reply).hasType("quote.given").hasSubject("q-1").hasData("{\"price\":12}");
        assertThat(quotes).replied(1).withSubject("q-1");
    }

    @Test
    void triggersCanBeAddedWhileRunning() {
        Probe early = switchboard.probe("early");
        Probe late = switchboard.probe("late");
        switchboard.trigger(Trigger.builder("early").input("all", null).subscriber("s", null, early.sink()).build());
        switchboard.publish(Events.of("first"));

        switchboard.trigger(Trigger.builder("late").input("all", null).subscriber("s", null, late.sink()).build());
        switchboard.publish(Events.of("second"));

        assertThat(early).received(2).withTypes("first", "second");
        assertThat(late).received(1).ofType("second");
    }

    @Test
    void configurationIsRefusedOnceStarted() {
        switchboard.start();

        assertThatThrownBy(() -> switchboard.configure(b -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("before the first");
    }

    @Test
    void productionBusesDeclaredByTypeBecomeInMemory() {
        Probe orders = switchboard.probe("orders");
        switchboard.configure(b -> b
                .bus("orders", "kafka", Map.of("bootstrap.servers", "kafka.prod.example:9092"))
                .trigger(Trigger.builder("orders").bus("orders").input("all", null)
                        .subscriber("s", null, orders.sink()).build()));

        switchboard.publish(Events.of("order.created"));

        assertThat(orders).received(1);
        assertThat(switchboard.runtime().buses())
                .containsEntry("orders", "memory").containsEntry("default", "memory");
    }

    @Test
    void busTypesWhoseModuleIsMissingAreSwappedWithoutBeingNamed() {
        Probe orders = switchboard.probe("orders");
        // no swapBusTypes("nats"): the harness replaces every bus the runtime would create
        switchboard.configure(b -> b
                .bus("orders", "nats", Map.of("servers", "nats://nats.prod.example:4222"))
                .trigger(Trigger.builder("orders").bus("orders").input("all", null)
                        .subscriber("s", null, orders.sink()).build()));

        switchboard.publish(Events.of("order.created"));

        assertThat(orders).received(1);
        assertThat(switchboard.runtime().buses()).containsEntry("orders", "memory");
    }

    @Test
    void aDefaultBusDeclaredByTheConfigurationIsSwappedToo() {
        Probe orders = switchboard.probe("orders");
        switchboard.configure(b -> b.bus("default", "kafka", Map.of())
                .trigger(Trigger.builder("orders").input("all", null).subscriber("s", null, orders.sink()).build()));

        switchboard.publish(Events.of("order.created"));

        assertThat(orders).received(1);
        assertThat(switchboard.runtime().buses()).containsOnly(Map.entry("default", "memory"));
    }

    @Test
    void aBusInstanceThatIsNotInMemoryIsRefusedWithAHint() {
        switchboard.configure(b -> b.bus("orders", new ElsewhereBus())
                .trigger(Trigger.builder("orders").bus("orders").input("all", null)
                        .subscriber("s", null, switchboard.probe("p").sink()).build()));

        assertThatThrownBy(switchboard::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("orders (elsewhere)").hasMessageContaining("declare production buses by type");
    }

    @Test
    void inertSourcesStandInForProductionOnesAndTestsEmitAsThem() {
        SwitchboardExtension withInertPayments = SwitchboardExtension.create().inertSources("kafka");
        withInertPayments.open();
        try {
            Probe paid = withInertPayments.probe("paid");
            withInertPayments.configure(b -> b.source("payments", "kafka", Map.of("topic", "payments.v1"))
                    .trigger(Trigger.builder("payments").input("paid", "payments", "type = 'payment.settled'")
                            .subscriber("s", null, paid.sink()).build()));

            withInertPayments.emit("payments", Events.event("payment.settled").subject("o-3"));

            assertThat(paid).received(1).withSubject("o-3");
        } finally {
            withInertPayments.closeQuietly();
        }
    }

    @Test
    void theHarnessRefusesUseOutsideATest() {
        SwitchboardExtension unused = SwitchboardExtension.create();

        assertThatThrownBy(() -> unused.probe("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside a test");
    }

    @Nested
    class InANestedClass {

        @Test
        void theEnclosingExtensionGivesEachNestedTestAFreshHarness() {
            Probe probe = switchboard.probe("nested");
            switchboard.trigger(Trigger.builder("nested").input("all", null).subscriber("s", null, probe.sink()).build());

            switchboard.publish(Events.of("ping"));

            assertThat(probe).received(1);
            assertThat(switchboard.now()).isEqualTo(Instant.parse("2026-03-01T08:00:00Z"));
        }
    }

    /** A bus of another kind, passed as an instance: the harness cannot swap it. */
    private static final class ElsewhereBus implements EventBus {
        @Override
        public String type() {
            return "elsewhere";
        }

        @Override
        public Set<BusCapability> capabilities() {
            return Set.of();
        }

        @Override
        public CompletionStage<Void> publish(String topic, CloudEvent event) {
            throw new UnsupportedOperationException("never used: the harness refuses this bus before starting");
        }

        @Override
        public Subscription subscribe(String topic, String group, BusConsumer consumer) {
            throw new UnsupportedOperationException("never used: the harness refuses this bus before starting");
        }

        @Override
        public void close() {
        }
    }
}
