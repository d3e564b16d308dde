package io.switchboard.examples;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.Switchboard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class MetricsExampleTest {

    @Test
    void printsThePrometheusLinesOfDeliveriesAndTheDeadLetter() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Switchboard sb = MetricsExample.run(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
            assertThat(sb.runtime().stats("orders", "confirm").delivered()).isEqualTo(3);
            String output = bytes.toString(StandardCharsets.UTF_8);
            assertThat(output)
                    .contains("dead letter: order refused")
                    .contains("switchboard_subscriber_delivered_total{subscriber=\"confirm\",trigger=\"orders\"} 3.0")
                    .contains("switchboard_subscriber_dead_lettered_total{subscriber=\"confirm\",trigger=\"orders\"} 1.0")
                    .contains("switchboard_handler_duration_seconds_count{outcome=\"success\",subscriber=\"confirm\",trigger=\"orders\"} 3")
                    .contains("switchboard_ready 1.0");
        }
    }
}
