package io.switchboard.examples;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.SubscriberStats;
import io.switchboard.api.Trigger;
import io.switchboard.core.DrainReport;
import io.switchboard.core.Switchboard;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Multi-input correlation and dead letters: a trigger with two inputs (orders created, payments settled) and two
 * subscribers with the condition {@code created && paid}, correlated by the {@code orderid} extension. {@code ship}
 * receives both events of each paid order; {@code invoice} refuses large amounts, is retried, and then dead-lettered:
 * its dead-letter handler prints the original event's failure extensions.
 *
 * <p>Run: {@code mvn -B -q -DskipTests -pl events-examples -am package exec:java
 * -Dexec.mainClass=io.switchboard.examples.OrdersCorrelation} (the quick start runs it too).
 */
public final class OrdersCorrelation {

    private static final URI SHOP = URI.create("/shop");

    private OrdersCorrelation() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        int status = run(System.out);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the example, printing to {@code out}; returns 0 when every paid order shipped and one invoice was parked. */
    static int run(PrintStream out) {
        Trigger fulfilment = Trigger.builder("fulfilment")
                .input("created", "type = 'shop.order.created'")
                .input("paid", "type = 'shop.payment.settled'")
                // both events of the same order (same orderid), at most 30 minutes apart
                .subscriber(Subscriber.builder("ship").condition("created && paid").correlateBy("orderid")
                        .within(Duration.ofMinutes(30))
                        .sink(Sink.firing(f -> ship(f, out)))
                        .build())
                // the same condition; the handler fails for large amounts, is retried twice, then dead-lettered
                .subscriber(Subscriber.builder("invoice").condition("created AND paid").correlateBy("orderid")
                        .deliveryPolicy(DeliveryPolicy.builder().maxAttempts(3)
                                .backoff(Duration.ofMillis(20), Duration.ofMillis(100), 2.0).build())
                        .sink(Sink.firing(f -> invoice(f, out)))
                        .deadLetter(Sink.handler(dead -> out.printf(
                                "  [invoice]    dead letter: %s of order %s, %s after %s attempts (%s: %s)%n",
                                dead.getType(), dead.getExtension("orderid"), dead.getExtension("dlreason"),
                                dead.getExtension("dlattempts"), dead.getExtension("dlerrortype"),
                                dead.getExtension("dlerror"))))
                        .build())
                .build();
        Switchboard switchboard = Switchboard.builder().trigger(fulfilment).build().start();

        List<CloudEvent> script = List.of(
                event("shop.order.created", "2001", 0),
                event("shop.order.created", "2002", 0),
                event("shop.payment.settled", "2001", 80),
                event("shop.order.created", "2003", 0),
                event("shop.payment.settled", "2003", 450),
                event("shop.order.created", "2004", 0),      // never paid: held, never fires
                event("shop.payment.settled", "2002", 35));
        out.println("Correlating orders and payments by orderid (condition: created && paid), " + script.size()
                + " events:");
        for (CloudEvent event : script) {
            switchboard.publish(event).toCompletableFuture().join();
            out.printf("  published %-22s orderid=%s%n", event.getType(), event.getExtension("orderid"));
        }
        DrainReport report = switchboard.shutdown();
        SubscriberStats ship = switchboard.runtime().stats("fulfilment", "ship");
        SubscriberStats invoice = switchboard.runtime().stats("fulfilment", "invoice");
        out.printf("  ship: fired %d, delivered %d; invoice: fired %d, delivered %d, failed attempts %d,"
                        + " dead-lettered %d (order 2004 still waits for its payment)%n", ship.fired(), ship.delivered(),
                invoice.fired(), invoice.delivered(), invoice.failed(), invoice.deadLettered());
        boolean expected = ship.delivered() == 3 && invoice.delivered() == 2 && invoice.deadLettered() == 1;
        return report.complete() && expected ? 0 : 1;
    }

    private static void ship(Firing firing, PrintStream out) {
        CloudEvent created = firing.event("created");
        CloudEvent paid = firing.event("paid");
        out.printf("  [ship]       order %s: created %s + paid %s (amount %s)%n", created.getExtension("orderid"),
                created.getId(), paid.getId(), paid.getExtension("amount"));
    }

    private static void invoice(Firing firing, PrintStream out) {
        Object amount = firing.event("paid").getExtension("amount");
        if (((Number) amount).intValue() > 200) {
            throw new IllegalStateException("amount " + amount + " is above the 200 auto-approval limit");
        }
        out.printf("  [invoice]    invoiced order %s over %s%n", firing.event("created").getExtension("orderid"), amount);
    }

    private static CloudEvent event(String type, String order, int amount) {
        CloudEventBuilder b = CloudEventBuilder.v1().withId(type + "-" + order).withType(type).withSource(SHOP)
                .withSubject("order-" + order).withExtension("orderid", order);
        if (amount > 0) {
            b.withExtension("amount", amount);
        }
        return b.build();
    }
}
