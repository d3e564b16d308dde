package io.switchboard.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.switchboard.api.EventBus;
import io.switchboard.core.RuntimeObserver;

import java.util.Objects;

/**
 * OpenTelemetry traces through a Switchboard runtime. The trace context travels on each event in the CloudEvents
 * Distributed Tracing extension ({@code traceparent}, {@code tracestate}), so it crosses every bus and process:
 *
 * <pre>{@code
 * SwitchboardTracing tracing = SwitchboardTracing.create(openTelemetry);
 * Switchboard sb = Switchboard.builder()
 *         .bus(tracing.bus(kafkaBus))            // publish and deliver spans; injects traceparent on publish
 *         .observer(tracing.observer())          // a handle span around each handler call, current while it runs
 *         ...
 * }</pre>
 *
 * <ul>
 *   <li><b>publish</b> (PRODUCER, {@code publish <topic>}): child of the current span, or else of the context the
 *       event already carries; the event leaves carrying the publish span's context.</li>
 *   <li><b>deliver</b> (CONSUMER, {@code deliver <topic>}): child of the event's context; spans the runtime's routing
 *       of the event until the bus may acknowledge it, and is current meanwhile (inline handlers run inside it).</li>
 *   <li><b>handle</b> (INTERNAL, {@code handle <trigger>}): one per handler call (each attempt), child of the
 *       completing event's context, linked to the context of every event that contributed to the firing (each input
 *       of a correlated condition, each event of a batch). Current while the handler runs, so the handler's own spans
 *       and instrumented outgoing calls join the trace.</li>
 * </ul>
 * Attributes follow OpenTelemetry's messaging semantic conventions ({@code messaging.system},
 * {@code messaging.destination.name}, {@code messaging.operation.type}, {@code messaging.message.id},
 * {@code messaging.consumer.group.name}) plus the CloudEvents ones ({@code cloudevents.event_id},
 * {@code cloudevents.event_type}, {@code cloudevents.event_source}, {@code cloudevents.event_subject}).
 *
 * <p>Without this module the core still carries {@code traceparent}/{@code tracestate} unchanged through
 * re-publishing sinks, dead letters and replies, so a tracing system elsewhere keeps its trace.
 */
public final class SwitchboardTracing {

    /** The instrumentation scope name of every span. */
    public static final String INSTRUMENTATION_NAME = "io.switchboard";

    private final Tracer tracer;
    private final EventContext context;

    private SwitchboardTracing(Tracer tracer, TextMapPropagator propagator) {
        this.tracer = tracer;
        this.context = new EventContext(propagator);
    }

    /** Tracing through {@code openTelemetry}'s tracer provider and text-map propagator (W3C Trace Context). */
    public static SwitchboardTracing create(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        return new SwitchboardTracing(openTelemetry.getTracer(INSTRUMENTATION_NAME),
                openTelemetry.getPropagators().getTextMapPropagator());
    }

    /** {@code bus} with publish and deliver spans (see the class description); every other call goes straight through. */
    public EventBus bus(EventBus bus) {
        return new TracedBus(Objects.requireNonNull(bus, "bus"), tracer, context);
    }

    /** The observer that wraps each handler call in a handle span; register it with {@code Switchboard.Builder.observer}. */
    public RuntimeObserver observer() {
        return new TracingObserver(tracer, context);
    }
}
