package io.switchboard.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class OrdersCorrelationTest {

    @Test
    void shipsEveryPaidOrderWithBothEventsAndDeadLettersTheRefusedInvoice() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = OrdersCorrelation.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(status).as(output).isZero();
        assertThat(output)
                .contains("order 2001: created shop.order.created-2001 + paid shop.payment.settled-2001 (amount 80)")
                .contains("order 2003: created shop.order.created-2003 + paid shop.payment.settled-2003 (amount 450)")
                .contains("dead letter: shop.order.created of order 2003, exhausted after 3 attempts"
                        + " (java.lang.IllegalStateException: amount 450 is above the 200 auto-approval limit)")
                .contains("dead letter: shop.payment.settled of order 2003")
                .doesNotContain("order 2004:");
    }
}
