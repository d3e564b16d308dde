package io.switchboard.core.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.HttpTarget;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.SubscriberStats;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HttpSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong IDS = new AtomicLong();
    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    FunctionServer server() throws Exception {
        FunctionServer server = new FunctionServer();
        toClose.add(server);
        return server;
    }

    /** A started runtime with one trigger on {@code type = 'order.created'} whose subscriber {@code s} is set up by {@code config}. */
    Switchboard runtime(UnaryOperator<Subscriber.Builder> config) {
        Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("orders").input("in", "type = 'order.created'")
                        .subscriber(config.apply(Subscriber.builder("s")).build()).build())
                .build().start();
        toClose.add(sb);
        return sb;
    }

    static CloudEvent event() {
        return CloudEventBuilder.v1().withId("e" + IDS.incrementAndGet()).withType("order.created")
                .withSource(URI.create("/shop")).build();
    }

    static void publish(Switchboard sb, CloudEvent event) {
        sb.publish(event).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    }

    static SubscriberStats stats(Switchboard sb) {
        return sb.runtime().stats("orders", "s");
    }

    @Test
    void binary_mode_sends_attributes_as_ce_headers_and_data_as_the_body_and_a_2xx_completes_delivery() throws Exception {
        FunctionServer fn = server();
        Switchboard sb = runtime(s -> s.sink(Sink.http(fn.uri("/ship"))));
        CloudEvent event = CloudEventBuilder.v1().withId("order-1").withType("order.created")
                .withSource(URI.create("/shop")).withSubject("héllo wörld")
                .withTime(OffsetDateTime.parse("2026-05-01T10:00:00Z"))
                .withExtension("traceparent", TRACEPARENT).withExtension("tenant", "acme")
                .withData("application/json", "{\"total\":42}".getBytes(StandardCharsets.UTF_8)).build();

        publish(sb, event);

        FunctionServer.Received r = fn.next();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/ship");
        assertThat(r.protocol()).as("plain http:// stays on HTTP/1.1, no h2c upgrade").isEqualTo("HTTP/1.1");
        assertThat(r.header("upgrade")).isNull();
        assertThat(r.header("ce-specversion")).isEqualTo("1.0");
        assertThat(r.header("ce-id")).isEqualTo("order-1");
        assertThat(r.header("ce-type")).isEqualTo("order.created");
        assertThat(r.header("ce-source")).isEqualTo("/shop");
        assertThat(r.header("ce-subject")).as("percent-encoded as the HTTP binding requires")
                .isEqualTo("h%C3%A9llo%20w%C3%B6rld");
        assertThat(r.header("ce-time")).isEqualTo("2026-05-01T10:00:00Z");
        assertThat(r.header("ce-tenant")).isEqualTo("acme");
        assertThat(r.header("ce-traceparent")).isEqualTo(TRACEPARENT);
        assertThat(r.header("traceparent")).as("W3C header too").isEqualTo(TRACEPARENT);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.text()).isEqualTo("{\"total\":42}");
        assertThat(HttpMessageFactory.createReaderFromMultimap(decoded(r.headers()), r.body()).toEvent())
                .isEqualTo(event);
        await().atMost(Duration.ofSeconds(10)).until(() -> stats(sb).delivered() == 1);
        assertThat(stats(sb).failed()).isZero();
    }

    @Test
    void structured_mode_sends_the_whole_event_as_cloudevents_json() throws Exception {
        FunctionServer fn = server().answering(req -> FunctionServer.Answer.status(204));
        Switchboard sb = runtime(s -> s.sink(Sink.http(HttpTarget.builder(fn.uri("/ship"))
                .mode(HttpTarget.Mode.STRUCTURED).build())));
        CloudEvent event = CloudEventBuilder.v1().withId("order-2").withType("order.created")
                .withSource(URI.create("/shop")).withSubject("a b")
                .withData("application/json", "{\"total\":7}".getBytes(StandardCharsets.UTF_8)).build();

        publish(sb, event);

        FunctionServer.Received r = fn.next();
        assertThat(r.header("content-type")).isEqualTo("application/cloudevents+json");
        assertThat(r.headers().keySet()).noneMatch(h -> h.startsWith("ce-"));
        assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree("""
                {"specversion":"1.0","id":"order-2","source":"/shop","type":"order.created",
                 "datacontenttype":"application/json","subject":"a b","data":{"total":7}}"""));
        await().atMost(Duration.ofSeconds(10)).until(() -> stats(sb).delivered() == 1);
    }

    /** Header values of {@code ce-*} percent-decoded, as a receiver reads them. */
    static Map<String, List<String>> decoded(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> out.put(k, HeaderValues.isAttribute(k)
                ? v.stream().map(HeaderValues::decode).toList() : v));
        return out;
    }

    static JsonNode json(byte[] body) throws Exception {
        return JSON.readTree(body);
    }

    static DeliveryPolicy retries(int attempts) {
        return DeliveryPolicy.builder().maxAttempts(attempts)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50), 2.0).build();
    }
}
