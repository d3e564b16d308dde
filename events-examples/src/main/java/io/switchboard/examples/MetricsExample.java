package io.switchboard.examples;

import com.sun.net.httpserver.HttpServer;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.switchboard.micrometer.SwitchboardMetrics;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * Switchboard's meters in Prometheus form: a runtime with {@code SwitchboardMetrics.observer} on a
 * {@link PrometheusMeterRegistry}, a few orders (one of which its handler refuses until it is dead-lettered), and the
 * {@code switchboard_*} lines of the scrape. With {@code --serve} it keeps serving the scrape on
 * {@code http://127.0.0.1:9464/metrics} until Ctrl-C.
 *
 * <p>Run it with {@code mvn -B -q -DskipTests -pl events-examples -am package exec:java
 * -Dexec.mainClass=io.switchboard.examples.MetricsExample}.
 */
public final class MetricsExample {

    private MetricsExample() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Switchboard sb = run(registry, System.out);
        try {
            if (Arrays.asList(args).contains("--serve")) {
                serve(registry, System.out);
            }
        } finally {
            sb.shutdown();
        }
    }

    /** Builds and drives the runtime, prints its meters, and returns it (still running). */
    static Switchboard run(PrometheusMeterRegistry registry, PrintStream out) {
        Switchboard sb = Switchboard.builder()
                // a handful of events: time every handler call (the default times a sample, see SwitchboardMetrics)
                .observer(SwitchboardMetrics.observerBuilder(registry).asyncTimingSample(1).build())
                .trigger(Trigger.builder("orders")
                        .input("created", "type = 'shop.order.created'")
                        .subscriber(Subscriber.builder("confirm")
                                .deliveryPolicy(DeliveryPolicy.builder().maxAttempts(2)
                                        .backoff(Duration.ofMillis(10), Duration.ofMillis(10), 1.0).build())
                                .deadLetter(Sink.handler(e -> out.println("dead letter: order " + e.getSubject())))
                                .handler(e -> {
                                    if ("refused".equals(e.getSubject())) {
                                        throw new IllegalStateException("order refused");
                                    }
                                }).build())
                        .build())
                .build().start();
        for (String subject : new String[] {"1001", "1002", "refused", "1003"}) {
            sb.publish(order(subject)).toCompletableFuture().join();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sb.runtime().stats("orders", "confirm").delivered() + sb.runtime().stats("orders", "confirm")
                .deadLettered() < 4 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        out.println("# the switchboard_ lines of the Prometheus scrape:");
        registry.scrape().lines()
                .filter(line -> line.startsWith("switchboard_") && !line.contains("_bucket"))
                .forEach(out::println);
        return sb;
    }

    private static CloudEvent order(String subject) {
        return CloudEventBuilder.v1().withId("order-" + subject).withType("shop.order.created")
                .withSource(URI.create("/shop")).withSubject(subject).withTime(OffsetDateTime.now()).build();
    }

    /** Serves the scrape on 127.0.0.1:9464/metrics until the JVM is stopped. */
    private static void serve(PrometheusMeterRegistry registry, PrintStream out) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 9464), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        out.println("serving http://127.0.0.1:9464/metrics — Ctrl-C to stop");
        new CountDownLatch(1).await();
    }
}
