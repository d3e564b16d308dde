package io.switchboard.test.example;

import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;

import java.time.Duration;
import java.util.Map;

/**
 * An application's routes, configured as in production (the example that docs/testing.md tests): orders on a Kafka
 * bus, payments from a Kafka source, a nightly report from a cron source. The sinks are parameters, so production
 * passes its handlers and tests pass probes.
 */
public final class OrderRoutes {

    private OrderRoutes() {
    }

    public static void configure(Switchboard.Builder builder, Sink ship, Sink report, Sink deadLetters) {
        builder.bus("orders", "kafka", Map.of("bootstrap.servers", "kafka.internal:9092"))
                .source("payments", "kafka", Map.of("topics", "payments.v1"))
                .source("nightly", "cron", Map.of("schedule", "0 2 * * *"))
                .trigger(Trigger.builder("shipping").bus("orders")
                        .input("created", "type = 'order.created'")
                        .input("paid", "payments", "type = 'payment.settled'")
                        .subscriber(Subscriber.builder("ship")
                                .condition("created && paid").correlateBy("subject").within(Duration.ofHours(1))
                                .deliveryPolicy(DeliveryPolicy.builder().maxAttempts(3)
                                        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0).jitter(0).build())
                                .sink(ship)
                                .deadLetter(deadLetters)
                                .build())
                        .build())
                .trigger(Trigger.builder("reports")
                        .input("tick", "nightly", null)
                        .subscriber("report", null, report)
                        .build());
    }
}
