package io.switchboard.examples;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.SubscriberStats;
import io.switchboard.api.Trigger;
import io.switchboard.core.DrainReport;
import io.switchboard.core.Switchboard;

import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The README's quick start: a Switchboard on the in-memory bus with three triggers whose CESQL filters pick events
 * from a small shop (plus the three triggers of {@link QuickstartSources}: a cron tick, an HTTP webhook and an HTTP
 * function), a scripted burst of events, what each handler received, and the counters.
 *
 * <p>Run it with {@code mvn -B -q -DskipTests -pl events-examples -am package exec:java}; pass
 * {@code -Dexec.args=--keep-running} to keep it running (it then publishes a heartbeat every few seconds) until Ctrl-C.
 */
public final class Quickstart {

    private static final URI SHOP = URI.create("/shop");

    private Quickstart() {
    }

    public static void main(String[] args) throws Exception {
        // keep the library's own log lines (start, close) out of the example's output
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        boolean keepRunning = Arrays.asList(args).contains("--keep-running");
        int status = run(System.out, keepRunning);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the example, printing to {@code out}; returns 0 when every event was handled and drained. */
    static int run(PrintStream out, boolean keepRunning) throws InterruptedException {
        QuickstartSources sources = new QuickstartSources(out, keepRunning); // a cron trigger and an HTTP endpoint
        Switchboard switchboard = sources.addTo(Switchboard.builder())
                // every new order, handled asynchronously (the default), in order per customer (the subject)
                .trigger(Trigger.builder("new-orders")
                        .input("created", "type = 'shop.order.created'")
                        .subscriber("confirm", null, Sink.handler(e -> out.printf("  [new-orders]   confirm order %s"
                                + " for %s%n", e.getExtension("orderid"), e.getSubject())))
                        .build())
                // large payments only: an equality on type (indexed) plus a residual condition on an extension
                .trigger(Trigger.builder("big-payments")
                        .input("paid", "type = 'shop.payment.settled' AND amount >= 100")
                        .subscriber(Subscriber.builder("review").inline().handler(e -> out.printf(
                                "  [big-payments] review payment of %s for order %s%n", e.getExtension("amount"),
                                e.getExtension("orderid"))).build())
                        .build())
                // anything a VIP customer does: a filter the index cannot use, evaluated for every event
                .trigger(Trigger.builder("vip-activity")
                        .input("any", "subject LIKE 'vip-%'")
                        .subscriber("notify", null, Sink.handler(e -> out.printf("  [vip-activity] %s did %s%n",
                                e.getSubject(), e.getType())))
                        .build())
                .build()
                .start();

        List<CloudEvent> burst = script();
        out.println(banner(switchboard.runtime().triggers(), burst.size()));
        for (int i = 0; i < burst.size(); i++) {
            CloudEvent event = burst.get(i);
            switchboard.publish(event).toCompletableFuture().join();
            out.printf("[%2d/%d] published %-22s subject=%s%n", i + 1, burst.size(), event.getType(), event.getSubject());
        }

        sources.demo();
        if (keepRunning) {
            keepRunning(switchboard, out);
        }
        DrainReport report = switchboard.shutdown();
        out.println();
        out.println("Counters per subscriber (received = reached the input, matched = passed its filter):");
        out.printf("  %-14s %-8s %8s %8s %8s %9s %7s%n", "trigger", "sub", "received", "matched", "fired", "delivered",
                "failed");
        for (SubscriberStats s : switchboard.runtime().stats()) {
            out.printf("  %-14s %-8s %8d %8d %8d %9d %7d%n", s.trigger(), s.subscriber(), s.received(), s.matched(),
                    s.fired(), s.delivered(), s.failed());
        }
        out.println("Closed: " + report);
        out.println();
        int correlation = OrdersCorrelation.run(out); // multi-input correlation and dead letters
        return report.complete() && correlation == 0 ? 0 : 1;
    }

    /** The first line: how many triggers run (read from the started runtime, never written by hand) and which. */
    static String banner(List<String> triggers, int events) {
        return "Switchboard quick start: " + triggers.size() + " triggers on the in-memory bus ("
                + String.join(", ", triggers) + "), publishing " + events + " events";
    }

    private static void keepRunning(Switchboard switchboard, PrintStream out) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, "quickstart-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("Running; a VIP heartbeat every 3 s. Press Ctrl-C to stop.");
        int beat = 0;
        while (!stop.await(3, java.util.concurrent.TimeUnit.SECONDS)) {
            switchboard.publish(event("shop.heartbeat", "vip-" + (++beat % 3), "0", 0)).toCompletableFuture().join();
        }
    }

    private static List<CloudEvent> script() {
        List<CloudEvent> events = new ArrayList<>();
        events.add(event("shop.order.created", "alice", "1001", 0));
        events.add(event("shop.order.created", "vip-bob", "1002", 0));
        events.add(event("shop.payment.settled", "alice", "1001", 42));
        events.add(event("shop.payment.settled", "vip-bob", "1002", 250));
        events.add(event("shop.order.created", "carol", "1003", 0));
        events.add(event("shop.cart.abandoned", "dave", "0", 0));
        events.add(event("shop.payment.settled", "carol", "1003", 120));
        events.add(event("shop.order.created", "alice", "1004", 0));
        events.add(event("shop.review.posted", "vip-bob", "1002", 0));
        events.add(event("shop.payment.settled", "alice", "1004", 99));
        return events;
    }

    private static CloudEvent event(String type, String customer, String order, int amount) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(type + "-" + order + "-" + customer)
                .withType(type)
                .withSource(SHOP)
                .withSubject(customer)
                .withExtension("orderid", order)
                .withDataContentType("application/json")
                .withData(("{\"order\":\"" + order + "\"}").getBytes(StandardCharsets.UTF_8));
        if (amount > 0) {
            b.withExtension("amount", amount);
        }
        return b.build();
    }
}
