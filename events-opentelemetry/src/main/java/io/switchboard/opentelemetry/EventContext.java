package io.switchboard.opentelemetry;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

import java.util.List;

/**
 * Reads and writes the trace context an event carries in the CloudEvents Distributed Tracing extension
 * ({@value #TRACEPARENT}, {@value #TRACESTATE}: the W3C Trace Context headers as extension attributes), through the
 * configured propagator.
 */
final class EventContext {

    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";

    private static final TextMapGetter<CloudEvent> GETTER = new TextMapGetter<>() {
        @Override
        @SuppressWarnings("deprecation") // still abstract in the interface: every getter must implement it
        public Iterable<String> keys(CloudEvent event) {
            return List.of(TRACEPARENT, TRACESTATE);
        }

        @Override
        public String get(CloudEvent event, String key) {
            if (event == null || key == null) {
                return null;
            }
            Object value = event.getExtension(key);
            return value == null ? null : value.toString();
        }
    };

    private static final TextMapSetter<CloudEventBuilder> SETTER = (builder, key, value) -> {
        if (builder != null && (TRACEPARENT.equals(key) || TRACESTATE.equals(key))) {
            builder.withExtension(key, value);
        }
    };

    private final TextMapPropagator propagator;

    EventContext(TextMapPropagator propagator) {
        this.propagator = propagator;
    }

    /** The context {@code event} carries on top of {@code base} ({@code base} itself if it carries none). */
    Context extract(Context base, CloudEvent event) {
        return propagator.extract(base, event, GETTER);
    }

    /** The span context {@code event} carries, or an invalid one. */
    SpanContext spanContext(CloudEvent event) {
        return io.opentelemetry.api.trace.Span.fromContext(extract(Context.root(), event)).getSpanContext();
    }

    /** {@code event} carrying {@code context} (replacing what it carried). */
    CloudEvent inject(Context context, CloudEvent event) {
        CloudEventBuilder builder = CloudEventBuilder.from(event);
        propagator.inject(context, builder, SETTER);
        return builder.build();
    }
}
