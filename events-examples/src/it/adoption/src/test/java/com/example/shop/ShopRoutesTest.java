package com.example.shop;

import io.switchboard.test.Events;
import io.switchboard.test.Probe;
import io.switchboard.test.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.switchboard.test.SwitchboardAssertions.assertThat;

class ShopRoutesTest {

    private final Probe shipping = Probe.named("shipping");

    @RegisterExtension
    final SwitchboardExtension switchboard = SwitchboardExtension.create()
            .configure(builder -> ShopRoutes.configure(builder, shipping.sink()));

    @Test
    void shipsAnOrderOnceItIsCreatedAndPaid() {
        switchboard.publish(Events.event("order.created").subject("o-1"));
        switchboard.publish(Events.event("payment.settled").subject("o-1").extension("amount", 120));

        assertThat(shipping).fired(1);
    }

    @Test
    void doesNotShipWhenThePaymentIsTooSmall() {
        switchboard.publish(Events.event("order.created").subject("o-2"));
        switchboard.publish(Events.event("payment.settled").subject("o-2").extension("amount", 20));

        assertThat(shipping).receivedNothing();
    }
}
