package io.switchboard.opentelemetry;

import io.cloudevents.CloudEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.switchboard.api.EventHandler;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.RuntimeObserver;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * {@link SwitchboardTracing#observer()}: a handle span around each handler call, child of the completing event's
 * context, linked to every contributing event's, and current while the handler runs.
 */
final class TracingObserver implements RuntimeObserver {

    private final Tracer tracer;
    private final EventContext context;

    TracingObserver(Tracer tracer, EventContext context) {
        this.tracer = tracer;
        this.context = context;
    }

    @Override
    public Sink.Invoke observe(Trigger trigger, Subscriber subscriber, Sink.Invoke sink) {
        String t = trigger.name();
        String s = subscriber.name();
        Sink.Invoker invoker = sink.invoker();
        Sink.Invoker traced = firing -> invoke(t, s, invoker, firing);
        EventHandler handler = sink.eventHandler();
        EventHandler tracedHandler = handler == null ? null : event -> handle(t, s, handler, event);
        return new Sink.Invoke(traced, sink.replies(), tracedHandler);
    }

    private void handle(String trigger, String subscriber, EventHandler handler, CloudEvent event) throws Exception {
        Span span = span(trigger, subscriber, event).startSpan();
        Scope scope = span.makeCurrent();
        try {
            handler.handle(event);
        } catch (Throwable t) {
            Spans.failed(span, t);
            throw t;
        } finally {
            scope.close();
            span.end();
        }
    }

    private CompletionStage<CloudEvent> invoke(String trigger, String subscriber, Sink.Invoker invoker, Firing firing)
            throws Exception {
        SpanBuilder builder = span(trigger, subscriber, firing.event());
        Set<CloudEvent> linked = Collections.newSetFromMap(new IdentityHashMap<>());
        for (CloudEvent contributing : firing.events().values()) {
            link(builder, contributing, linked);
        }
        for (CloudEvent batched : firing.batch()) {
            link(builder, batched, linked);
        }
        Span span = builder.startSpan();
        CompletionStage<CloudEvent> stage;
        Scope scope = span.makeCurrent();
        try {
            stage = invoker.invoke(firing);
        } catch (Throwable t) {
            Spans.failed(span, t);
            span.end();
            throw t;
        } finally {
            scope.close();
        }
        if (stage == null) {
            span.end();
            return null;
        }
        stage.whenComplete((reply, failure) -> {
            if (failure != null) {
                Spans.failed(span, failure);
            }
            span.end();
        });
        return stage;
    }

    private void link(SpanBuilder builder, CloudEvent event, Set<CloudEvent> linked) {
        if (linked.add(event)) {
            SpanContext contributing = context.spanContext(event);
            if (contributing.isValid()) {
                builder.addLink(contributing);
            }
        }
    }

    private SpanBuilder span(String trigger, String subscriber, CloudEvent event) {
        // the event's context when it carries one (same parent inline and asynchronous); else whatever is current
        Context parent = context.extract(Context.current(), event);
        return Semconv.event(tracer.spanBuilder("handle " + trigger).setSpanKind(SpanKind.INTERNAL).setParent(parent),
                        event)
                .setAttribute(Semconv.MESSAGING_SYSTEM, "switchboard")
                .setAttribute(Semconv.DESTINATION, trigger)
                .setAttribute(Semconv.OPERATION_TYPE, "process")
                .setAttribute(Semconv.OPERATION_NAME, "handle")
                .setAttribute(Semconv.TRIGGER, trigger)
                .setAttribute(Semconv.SUBSCRIBER, subscriber);
    }
}
