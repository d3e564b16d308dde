package io.switchboard.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.api.Sink;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.switchboard.micrometer.SwitchboardMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class AdminServerTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Switchboard switchboard;
    private AdminServer admin;

    @BeforeEach
    void start() throws Exception {
        switchboard = Switchboard.builder()
                .observer(SwitchboardMetrics.observer(registry))
                .trigger(Trigger.builder("orders").input("created", "type = 'order.created'")
                        .subscriber("print", null, Sink.handler(e -> { })).build())
                .build();
        admin = AdminServer.start("127.0.0.1", 0, registry, () -> switchboard.runtime().health());
    }

    @AfterEach
    void stop() {
        admin.close();
        switchboard.close();
        registry.close();
    }

    @Test
    void healthIs503WithTheReasonsUntilTheRuntimeRunsThen200() throws Exception {
        HttpResponse<String> before = get("/health");
        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(before.body()).contains("\"status\":\"DOWN\"", "\"state\":\"NEW\"", "\"problems\":[\"");

        switchboard.start();
        HttpResponse<String> running = get("/health");
        assertThat(running.statusCode()).isEqualTo(200);
        assertThat(running.body()).contains("\"status\":\"UP\"", "\"state\":\"RUNNING\"", "\"draining\":false",
                "\"problems\":[]");

        switchboard.close();
        assertThat(get("/health").statusCode()).isEqualTo(503);
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsAreThePrometheusScrapeWithTheSubscribersMeters() throws Exception {
        HttpResponse<String> r = get("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain; version=0.0.4");
        assertThat(r.body()).contains("switchboard_subscriber_delivered_total{subscriber=\"print\",trigger=\"orders\"}");
    }

    @Test
    void answersOnlyGetOnItsThreePaths() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/healthz").statusCode()).isEqualTo(404);
        assertThat(get("/health/other").statusCode()).isEqualTo(404);
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(admin.uri().resolve("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void bindsLoopbackWhenAskedTo() {
        assertThat(admin.uri().getHost()).isEqualTo("127.0.0.1");
        assertThat(admin.uri().getPort()).isPositive();
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = admin.uri().resolve(path);
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
