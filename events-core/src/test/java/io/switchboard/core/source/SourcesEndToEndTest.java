package io.switchboard.core.source;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Sink;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.switchboard.core.source.cron.CronSource;
import io.switchboard.core.source.http.HttpSource;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Sources running inside a real {@link Switchboard} with its in-memory bus. */
class SourcesEndToEndTest {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Switchboard switchboard;

    @AfterEach
    void close() {
        if (switchboard != null) {
            switchboard.close();
        }
    }

    private HttpResponse<String> post(HttpSource http, String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(http.baseUri().resolve(path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void webhookPostReachesTheTriggerHandlerThroughTheBus() throws Exception {
        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        HttpSource http = HttpSource.builder("webhooks").port(0).build();
        switchboard = Switchboard.builder()
                .source(http)
                .trigger(Trigger.builder("orders")
                        .input("created", "webhooks", "type = 'com.example.order.created'")
                        .subscriber("record", null, Sink.handler(received::add))
                        .build())
                .build().start();

        HttpResponse<String> accepted = post(http, "/apis/events", Map.of("X-Event-Type", "com.example.order.created",
                "X-Event-Id", "o-1", "Content-Type", "application/json"), "{\"order\":1}");
        HttpResponse<String> ignored = post(http, "/apis/events", Map.of("X-Event-Type", "com.example.other"), "{}");

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(ignored.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertThat(received.get(0).getId()).isEqualTo("o-1");
        assertThat(new String(received.get(0).getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"order\":1}");
    }

    @Test
    void functionEndpointReturnsTheReplyOfTheTrigger() throws Exception {
        HttpSource http = HttpSource.builder("api").port(0).requestTimeout(Duration.ofSeconds(5)).build();
        switchboard = Switchboard.builder()
                .source(http)
                .trigger(Trigger.builder("greet")
                        .input("call", "api", null)
                        .subscriber("hello", null, Sink.replying(e -> CloudEventBuilder.v1()
                                .withId("re-" + e.getId()).withSource(URI.create("urn:greeter")).withType("greeting")
                                .withData("text/plain", ("hello " + new String(e.getData().toBytes(), StandardCharsets.UTF_8))
                                        .getBytes(StandardCharsets.UTF_8))
                                .build()))
                        .build())
                .trigger(Trigger.builder("mute")
                        .input("call", "api", "type = 'mute'")
                        .subscriber("nothing", null, Sink.replying(e -> null))
                        .build())
                .build().start();

        HttpResponse<String> reply = post(http, "/function/greet", Map.of("Content-Type", "text/plain", "X-Event-Id", "c1"), "ada");
        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("hello ada");
        assertThat(reply.headers().firstValue("ce-id")).contains("re-c1");
        assertThat(reply.headers().firstValue("ce-type")).contains("greeting");

        assertThat(post(http, "/function/nobody", Map.of(), "x").statusCode()).isEqualTo(404);
        assertThat(post(http, "/function/mute", Map.of("X-Event-Type", "mute"), "x").statusCode()).isEqualTo(204);
    }

    @Test
    void cronTicksReachTheTriggerOnDrivenTime() {
        ManualScheduler clock = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
        List<CloudEvent> ticks = new CopyOnWriteArrayList<>();
        switchboard = Switchboard.builder()
                .scheduler(clock)
                .source(CronSource.builder("every-minute").cron("@every 1m").build())
                .trigger(Trigger.builder("tick")
                        .input("t", "every-minute", "type = 'io.switchboard.cron.tick'")
                        .subscriber("count", null, Sink.handler(ticks::add))
                        .build())
                .build().start();

        clock.advance(Duration.ofMinutes(3));

        await().atMost(Duration.ofSeconds(10)).until(() -> ticks.size() == 3);
        assertThat(ticks).extracting(CloudEvent::getId).containsExactlyInAnyOrder(
                "every-minute@2026-01-01T00:01:00Z", "every-minute@2026-01-01T00:02:00Z", "every-minute@2026-01-01T00:03:00Z");
    }

    @Test
    void sourcesDeclaredByProviderTypeRunInsideTheRuntime() throws Exception {
        ManualScheduler clock = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        switchboard = Switchboard.builder()
                .scheduler(clock)
                .source("beat", "timer", Map.of("fixed-rate", "30s", "data", "{\"alive\":true}",
                        "data.content-type", "application/json"))
                .source("nightly", "cron", Map.of("schedule", "0 30 2 * * *", "zone", "Europe/Berlin", "misfire", "skip"))
                .source("ingress", "http", Map.of("port", "0"))
                .trigger(Trigger.builder("all")
                        .input("beat", "beat", null)
                        .input("nightly", "nightly", null)
                        .subscriber("record", "beat || nightly", Sink.handler(received::add))
                        .build())
                .build().start();

        clock.advance(Duration.ofMinutes(1));

        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
        assertThat(received).extracting(CloudEvent::getType).containsOnly("io.switchboard.timer.tick");
    }
}
