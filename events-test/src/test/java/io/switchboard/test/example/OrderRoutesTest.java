package io.switchboard.test.example;

import io.switchboard.api.Sink;
import io.switchboard.test.Events;
import io.switchboard.test.Probe;
import io.switchboard.test.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;

import static io.switchboard.test.SwitchboardAssertions.assertThat;

class OrderRoutesTest {

    private final Probe shipping = Probe.named("shipping");
    private final Probe reports = Probe.named("reports");
    private final Probe deadLetters = Probe.named("dead letters");
    private Sink ship = shipping.sink(); // a test may swap in a failing sink before it publishes

    @RegisterExtension
    final SwitchboardExtension switchboard = SwitchboardExtension.create()
            .startingAt(Instant.parse("2026-03-02T09:00:00Z"))
            .swapBusTypes("kafka")   // the orders bus: Kafka in production, in memory here
            .inertSources("kafka")   // the payments source: the test emits its events
            .configure(builder -> OrderRoutes.configure(builder, ship, reports.sink(), deadLetters.deadLetterSink()));

    @Test
    void shipsAnOrderOnceItIsCreatedAndPaid() {
        switchboard.publish(Events.event("order.created").subject("o-1").data("{\"total\":42}"));
        switchboard.emit("payments", Events.event("payment.settled").subject("o-1"));

        assertThat(shipping).received(1).ofType("payment.settled").withSubject("o-1");
        assertThat(shipping).fired(1).first()
                .satisfies(firing -> assertThat(firing.event("created")).hasData("{\"total\":42}"));
    }

    @Test
    void doesNotShipWhenThePaymentComesMoreThanAnHourLater() {
        switchboard.publish(Events.event("order.created").subject("o-2"));
        switchboard.advance(Duration.ofMinutes(61));
        switchboard.emit("payments", Events.event("payment.settled").subject("o-2"));

        assertThat(shipping).receivedNothing();
    }

    @Test
    void retriesAFailingShipmentThenDeadLettersIt() {
        ship = shipping.failingSink();

        switchboard.publish(Events.event("order.created").subject("o-3"));
        switchboard.emit("payments", Events.event("payment.settled").subject("o-3"));
        assertThat(shipping).attempted(1);

        switchboard.advance(Duration.ofSeconds(1));   // first backoff
        assertThat(shipping).attempted(2);

        switchboard.advance(Duration.ofSeconds(2));   // second backoff, then the last attempt fails
        assertThat(shipping).attempted(3);
        assertThat(deadLetters).deadLettered(2)       // both contributing events
                .withSubject("o-3")
                .withExtension("dlattempts", 3)
                .withExtension("dlsubscriber", "ship");
    }

    @Test
    void runsTheNightlyReportAtTwo() {
        switchboard.advanceTo(Instant.parse("2026-03-03T01:59:59Z"));
        assertThat(reports).receivedNothing();

        switchboard.advance(Duration.ofSeconds(1));
        assertThat(reports).received(1).ofType("io.switchboard.cron.tick");

        switchboard.advance(Duration.ofDays(1));
        assertThat(reports).received(2);
    }
}
