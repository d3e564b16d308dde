package io.switchboard.opentelemetry;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.EventBus;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.switchboard.core.bus.InMemoryEventBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace through the runtime, on a real (in-memory) bus with its own threads: events published under a request's
 * span, a correlated firing that links both contributing events, a handler that publishes on, and the next handler —
 * checked span by span with the SDK's in-memory exporter.
 */
@Timeout(60)
class TracingAcrossHopsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    private final Tracer test = otel.getTracer("test");
    private final SwitchboardTracing tracing = SwitchboardTracing.create(otel);
    private final EventBus memory = InMemoryEventBus.builder().build();
    private Switchboard sb;

    @AfterEach
    void close() {
        if (sb != null) {
            sb.close();
        }
        memory.close();
        provider.close();
    }

    private static CloudEvent event(String id, String type, String subject) {
        return CloudEventBuilder.v1().withId(id).withType(type).withSource(URI.create("/shop")).withSubject(subject)
                .build();
    }

    private List<SpanData> spans(String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    private SpanData publishOf(String eventId) {
        return exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().startsWith("publish ") && eventId.equals(
                        s.getAttributes().get(Semconv.MESSAGE_ID)))
                .findFirst().orElseThrow();
    }

    @Test
    void aCorrelatedFiringAndWhatItPublishesStayInTheRequestsTrace() {
        AtomicReference<Switchboard> runtime = new AtomicReference<>();
        List<SpanContext> inHandlers = new CopyOnWriteArrayList<>();
        sb = Switchboard.builder().bus(tracing.bus(memory)).observer(tracing.observer())
                .trigger(Trigger.builder("orders")
                        .input("created", "type = 'order.created'")
                        .input("paid", "type = 'order.paid'")
                        .subscriber(Subscriber.builder("ship").condition("created && paid").correlateBy("subject")
                                .sink(Sink.firing(f -> {
                                    inHandlers.add(Span.current().getSpanContext());
                                    runtime.get().publish(event("s1", "order.shipped", f.event().getSubject()));
                                })).build())
                        .build())
                .trigger(Trigger.builder("notify")
                        .input("shipped", "type = 'order.shipped'")
                        .subscriber(Subscriber.builder("mail")
                                .handler(e -> inHandlers.add(Span.current().getSpanContext())).build())
                        .build())
                .build();
        runtime.set(sb);
        sb.start();

        Span request = test.spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER).startSpan();
        Scope scope = request.makeCurrent();
        try {
            sb.publish(event("c1", "order.created", "A")).toCompletableFuture().join();
            sb.publish(event("p1", "order.paid", "A")).toCompletableFuture().join();
        } finally {
            scope.close();
            request.end();
        }
        await().atMost(PATIENCE).until(() -> spans("handle notify").size() == 1 && spans("deliver app").size() == 3
                && spans("publish app").size() == 3);

        String trace = request.getSpanContext().getTraceId();
        assertThat(exporter.getFinishedSpanItems()).as("one connected trace")
                .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(trace));

        SpanData created = publishOf("c1");
        SpanData paid = publishOf("p1");
        assertThat(created.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(paid.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(created.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(created.getAttributes().get(Semconv.DESTINATION)).isEqualTo("app");
        assertThat(created.getAttributes().get(Semconv.OPERATION_TYPE)).isEqualTo("send");

        for (SpanData deliver : spans("deliver app")) {
            assertThat(deliver.getKind()).isEqualTo(SpanKind.CONSUMER);
            SpanData publish = publishOf(deliver.getAttributes().get(Semconv.MESSAGE_ID));
            assertThat(deliver.getParentSpanId()).as("deliver is a child of its event's publish")
                    .isEqualTo(publish.getSpanId());
            assertThat(deliver.getAttributes().get(Semconv.CONSUMER_GROUP)).isEqualTo(Switchboard.DEFAULT_GROUP);
        }

        SpanData ship = spans("handle orders").get(0);
        assertThat(spans("handle orders")).hasSize(1);
        assertThat(ship.getParentSpanId()).as("child of the completing event's publish").isEqualTo(paid.getSpanId());
        assertThat(ship.getLinks()).extracting(LinkData::getSpanContext).extracting(SpanContext::getSpanId)
                .as("linked to every contributing event").containsExactlyInAnyOrder(created.getSpanId(), paid.getSpanId());
        assertThat(ship.getAttributes().get(Semconv.SUBSCRIBER)).isEqualTo("ship");

        SpanData shipped = publishOf("s1");
        assertThat(shipped.getParentSpanId()).as("the handler's publish is its child").isEqualTo(ship.getSpanId());
        SpanData mail = spans("handle notify").get(0);
        assertThat(mail.getParentSpanId()).isEqualTo(shipped.getSpanId());
        assertThat(inHandlers).extracting(SpanContext::getSpanId)
                .as("each handler ran with its handle span current").containsExactly(ship.getSpanId(), mail.getSpanId());
    }

    @Test
    void aFailedAttemptIsAnErrorSpanAndTheRetryASibling() {
        AtomicReference<Boolean> failed = new AtomicReference<>(false);
        sb = Switchboard.builder().bus(tracing.bus(memory)).observer(tracing.observer())
                .trigger(Trigger.builder("t").input("in", "true")
                        .subscriber(Subscriber.builder("s").deliveryPolicy(DeliveryPolicy.builder().maxAttempts(2)
                                        .backoff(Duration.ofMillis(1), Duration.ofMillis(1), 1.0).jitter(0).build())
                                .handler(e -> {
                                    if (!failed.getAndSet(true)) {
                                        throw new IllegalStateException("first attempt fails");
                                    }
                                }).build())
                        .build())
                .build().start();
        sb.publish(event("e1", "x", "k")).toCompletableFuture().join();
        await().atMost(PATIENCE).until(() -> spans("handle t").size() == 2);
        List<SpanData> attempts = spans("handle t");
        assertThat(attempts).extracting(s -> s.getStatus().getStatusCode())
                .containsExactlyInAnyOrder(StatusCode.ERROR, StatusCode.UNSET);
        assertThat(attempts).extracting(SpanData::getParentSpanId).containsOnly(publishOf("e1").getSpanId());
    }

    @Test
    void anEventThatArrivesWithATraceparentContinuesThatTrace() {
        sb = Switchboard.builder().bus(tracing.bus(memory)).observer(tracing.observer())
                .trigger(Trigger.builder("t").input("in", "true")
                        .subscriber(Subscriber.builder("s").inline().handler(e -> { }).build()).build())
                .build().start();
        String upstream = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        sb.publish(CloudEventBuilder.from(event("e1", "x", "k")).withExtension("traceparent", upstream).build())
                .toCompletableFuture().join();
        await().atMost(PATIENCE).until(() -> spans("handle t").size() == 1);
        SpanData publish = publishOf("e1");
        assertThat(publish.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(publish.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(spans("handle t").get(0).getParentSpanId()).isEqualTo(publish.getSpanId());
    }
}
