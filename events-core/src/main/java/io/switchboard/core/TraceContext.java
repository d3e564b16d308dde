package io.switchboard.core;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

/**
 * The CloudEvents Distributed Tracing extension ({@code traceparent}, {@code tracestate}) as the core carries it
 * without any tracing library: re-published and dead-lettered events are the original events (extensions included),
 * and a reply that does not set its own trace context gets its request's, so a trace continues across
 * request/reply. Values are copied unchanged; the core never creates or parses them.
 */
final class TraceContext {

    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";

    private TraceContext() {
    }

    /** {@code reply}, with {@code request}'s trace context when it has none of its own. */
    static CloudEvent carry(CloudEvent request, CloudEvent reply) {
        Object parent = request.getExtension(TRACEPARENT);
        if (reply == null || parent == null || reply.getExtension(TRACEPARENT) != null) {
            return reply;
        }
        CloudEventBuilder builder = CloudEventBuilder.from(reply).withExtension(TRACEPARENT, parent.toString());
        Object state = request.getExtension(TRACESTATE);
        if (state != null) {
            builder.withExtension(TRACESTATE, state.toString());
        }
        return builder.build();
    }
}
