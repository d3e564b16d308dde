package io.switchboard.opentelemetry;

import io.cloudevents.CloudEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.switchboard.api.Acknowledgement;
import io.switchboard.api.BusCapability;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.EventBus;
import io.switchboard.api.PoisonMessage;
import io.switchboard.api.Subscription;
import io.switchboard.spi.BusMetrics;

import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@link SwitchboardTracing#bus}: a publish span around each publish (the event leaves carrying its context) and a
 * deliver span around each delivery to the runtime. Every other call, and {@link BusMetrics} when the bus implements
 * it, goes straight to the bus.
 */
final class TracedBus implements EventBus, BusMetrics {

    private final EventBus bus;
    private final Tracer tracer;
    private final EventContext context;

    TracedBus(EventBus bus, Tracer tracer, EventContext context) {
        this.bus = bus;
        this.tracer = tracer;
        this.context = context;
    }

    @Override
    public String type() {
        return bus.type();
    }

    @Override
    public Set<BusCapability> capabilities() {
        return bus.capabilities();
    }

    @Override
    public CompletionStage<Void> publish(String topic, CloudEvent event) {
        return traced(topic, event, e -> bus.publish(topic, e));
    }

    @Override
    public CompletionStage<Void> publish(String topic, CloudEvent event, String partitionKey) {
        return traced(topic, event, e -> bus.publish(topic, e, partitionKey));
    }

    private CompletionStage<Void> traced(String topic, CloudEvent event, Function<CloudEvent, CompletionStage<Void>> send) {
        Context current = Context.current();
        // the current span (a handler re-publishing, an HTTP request) is the cause; else the event's own producer
        Context parent = Span.fromContext(current).getSpanContext().isValid() ? current : context.extract(current, event);
        Span span = Semconv.event(tracer.spanBuilder("publish " + topic).setSpanKind(SpanKind.PRODUCER)
                        .setParent(parent), event)
                .setAttribute(Semconv.MESSAGING_SYSTEM, bus.type())
                .setAttribute(Semconv.DESTINATION, topic)
                .setAttribute(Semconv.OPERATION_TYPE, "send")
                .setAttribute(Semconv.OPERATION_NAME, "publish")
                .startSpan();
        CloudEvent carrying = context.inject(parent.with(span), event);
        CompletionStage<Void> stage;
        Scope scope = span.makeCurrent();
        try {
            stage = send.apply(carrying);
        } catch (RuntimeException e) {
            Spans.failed(span, e);
            span.end();
            throw e;
        } finally {
            scope.close();
        }
        stage.whenComplete((v, failure) -> {
            if (failure != null) {
                Spans.failed(span, failure);
            }
            span.end();
        });
        return stage;
    }

    @Override
    public Subscription subscribe(String topic, String group, BusConsumer consumer) {
        return bus.subscribe(topic, group, new TracedConsumer(consumer, topic, group));
    }

    @Override
    public void close() {
        bus.close();
    }

    @Override
    public boolean connected() {
        return !(bus instanceof BusMetrics metrics) || metrics.connected();
    }

    @Override
    public OptionalLong consumerLag(String topic, String group) {
        return bus instanceof BusMetrics metrics ? metrics.consumerLag(topic, group) : OptionalLong.empty();
    }

    @Override
    public String toString() {
        return "traced " + bus;
    }

    /** A deliver span around each delivery, current while the runtime routes the event. */
    private final class TracedConsumer implements BusConsumer {
        private final BusConsumer consumer;
        private final String topic;
        private final String group;

        TracedConsumer(BusConsumer consumer, String topic, String group) {
            this.consumer = consumer;
            this.topic = topic;
            this.group = group;
        }

        @Override
        public CompletionStage<Void> deliver(CloudEvent event) {
            return traced(event, consumer::deliver);
        }

        @Override
        public CompletionStage<Void> deliver(CloudEvent event, Acknowledgement acknowledgement) {
            return traced(event, e -> consumer.deliver(e, acknowledgement));
        }

        @Override
        public CompletionStage<Void> poison(PoisonMessage message) {
            return consumer.poison(message);
        }

        private CompletionStage<Void> traced(CloudEvent event, Function<CloudEvent, CompletionStage<Void>> deliver) {
            // the bus thread's own context is unrelated to the event: start from the event's
            Span span = Semconv.event(tracer.spanBuilder("deliver " + topic).setSpanKind(SpanKind.CONSUMER)
                            .setParent(context.extract(Context.root(), event)), event)
                    .setAttribute(Semconv.MESSAGING_SYSTEM, bus.type())
                    .setAttribute(Semconv.DESTINATION, topic)
                    .setAttribute(Semconv.CONSUMER_GROUP, group)
                    .setAttribute(Semconv.OPERATION_TYPE, "process")
                    .setAttribute(Semconv.OPERATION_NAME, "deliver")
                    .startSpan();
            CompletionStage<Void> stage;
            Scope scope = span.makeCurrent();
            try {
                stage = deliver.apply(event);
            } catch (RuntimeException e) {
                Spans.failed(span, e);
                span.end();
                throw e;
            } finally {
                scope.close();
            }
            if (stage == null) {
                span.end();
                return null;
            }
            stage.whenComplete((v, failure) -> {
                if (failure != null) {
                    Spans.failed(span, failure);
                }
                span.end();
            });
            return stage;
        }
    }
}
