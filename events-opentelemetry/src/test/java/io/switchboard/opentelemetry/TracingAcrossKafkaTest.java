package io.switchboard.opentelemetry;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.switchboard.core.source.http.HttpSource;
import io.switchboard.kafka.EmbeddedKafkaBroker;
import io.switchboard.kafka.KafkaBusConfig;
import io.switchboard.kafka.KafkaEventBus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The acceptance trace: two events enter over HTTP with the caller's W3C {@code traceparent}, cross a real Kafka broker
 * (in-JVM KRaft) — the context leaves on the record (the event's {@code traceparent} extension, a
 * {@code ce_traceparent} header) and comes back from it — fire a correlated subscriber that links both, and what it
 * publishes continues the same trace to the next handler.
 */
@Timeout(120)
class TracingAcrossKafkaTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaBroker().start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static CloudEvent event(String id, String type, String subject) {
        return CloudEventBuilder.v1().withId(id).withType(type).withSource(URI.create("/shop")).withSubject(subject)
                .build();
    }

    @Test
    void aTraceEnteringOverHttpCrossesKafkaThroughACorrelatedFiringAndItsRepublish() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        Tracer test = otel.getTracer("test");
        SwitchboardTracing tracing = SwitchboardTracing.create(otel);
        KafkaEventBus kafka = KafkaEventBus.create(KafkaBusConfig.builder().bootstrapServers(broker.bootstrapServers())
                .topicPrefix("trace-" + UUID.randomUUID() + "-").topicPartitions(2)
                .closeTimeout(Duration.ofSeconds(3)).build());
        AtomicReference<Switchboard> runtime = new AtomicReference<>();
        HttpSource http = HttpSource.builder("web").host("127.0.0.1").port(0).build();
        try (Switchboard sb = Switchboard.builder().bus(tracing.bus(kafka)).observer(tracing.observer()).source(http)
                .trigger(Trigger.builder("orders")
                        .input("created", "web", "type = 'order.created'")
                        .input("paid", "web", "type = 'order.paid'")
                        .subscriber(Subscriber.builder("ship").condition("created && paid").correlateBy("subject")
                                .sink(Sink.firing(f -> runtime.get()
                                        .publish(event("s1", "order.shipped", f.event().getSubject()))))
                                .build())
                        .build())
                .trigger(Trigger.builder("notify").input("shipped", "type = 'order.shipped'")
                        .subscriber(Subscriber.builder("mail").handler(e -> { }).build()).build())
                .build()) {
            runtime.set(sb);
            sb.start();
            // the caller's span, sent as a W3C traceparent header the way any instrumented HTTP client does
            Span request = test.spanBuilder("POST /apis/events").setSpanKind(SpanKind.CLIENT).startSpan();
            String traceparent = "00-" + request.getSpanContext().getTraceId() + "-"
                    + request.getSpanContext().getSpanId() + "-01";
            request.end();
            HttpClient client = HttpClient.newHttpClient();
            for (String[] e : new String[][] {{"c1", "order.created"}, {"p1", "order.paid"}}) {
                HttpRequest post = HttpRequest.newBuilder(http.baseUri().resolve("/apis/events"))
                        .timeout(Duration.ofSeconds(30)).header("traceparent", traceparent)
                        .header("X-Event-Id", e[0]).header("X-Event-Type", e[1]).header("X-Event-Subject", "A")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
                assertThat(client.send(post, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(202);
            }
            await().atMost(PATIENCE).until(() -> named(exporter, "handle notify").size() == 1);

            String trace = request.getSpanContext().getTraceId();
            assertThat(exporter.getFinishedSpanItems()).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(trace));
            SpanData created = publishOf(exporter, "c1", "web");
            SpanData paid = publishOf(exporter, "p1", "web");
            assertThat(created.getParentSpanId()).as("the HTTP caller's span is the parent")
                    .isEqualTo(request.getSpanContext().getSpanId());
            assertThat(paid.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
            assertThat(created.getAttributes().get(Semconv.DESTINATION)).isEqualTo("web");
            assertThat(created.getAttributes().get(Semconv.MESSAGING_SYSTEM)).isEqualTo(kafka.type());
            // On a durable shared bus the correlated subscriber re-keys its inputs through its correlation topic
            // (docs/scaling.md): each input is published once more, as a child of its delivery from the source topic.
            SpanData createdCopy = publishOf(exporter, "c1", CORRELATION_TOPIC);
            SpanData paidCopy = publishOf(exporter, "p1", CORRELATION_TOPIC);
            assertThat(parentOf(exporter, createdCopy).getParentSpanId()).isEqualTo(created.getSpanId());
            assertThat(parentOf(exporter, paidCopy).getParentSpanId()).isEqualTo(paid.getSpanId());
            SpanData ship = named(exporter, "handle orders").get(0);
            assertThat(ship.getParentSpanId()).isEqualTo(paidCopy.getSpanId());
            assertThat(ship.getLinks()).extracting(l -> l.getSpanContext().getSpanId())
                    .containsExactlyInAnyOrder(createdCopy.getSpanId(), paidCopy.getSpanId());
            assertThat(ship.getLinks()).extracting(LinkData::getSpanContext).allSatisfy(c -> assertThat(c.isRemote())
                    .as("the contexts came back from Kafka records").isTrue());
            SpanData shipped = publishOf(exporter, "s1", "app");
            assertThat(shipped.getParentSpanId()).isEqualTo(ship.getSpanId());
            assertThat(named(exporter, "handle notify").get(0).getParentSpanId()).isEqualTo(shipped.getSpanId());
        } finally {
            kafka.close();
            provider.close();
        }
    }

    private static List<SpanData> named(InMemorySpanExporter exporter, String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    /** The correlation topic of subscriber 'ship' of trigger 'orders' in the default group (docs/scaling.md). */
    private static final String CORRELATION_TOPIC = "switchboard.correlate.switchboard.orders.ship";

    private static SpanData publishOf(InMemorySpanExporter exporter, String eventId, String topic) {
        return exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().startsWith("publish ") && eventId.equals(s.getAttributes().get(Semconv.MESSAGE_ID))
                        && topic.equals(s.getAttributes().get(Semconv.DESTINATION)))
                .findFirst().orElseThrow(() -> new AssertionError("no publish span of " + eventId + " to " + topic
                        + " among " + exporter.getFinishedSpanItems().stream().map(SpanData::getName).toList()));
    }

    private static SpanData parentOf(InMemorySpanExporter exporter, SpanData span) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getSpanId().equals(span.getParentSpanId()))
                .findFirst().orElseThrow(() -> new AssertionError("no finished parent of " + span.getName()));
    }
}
