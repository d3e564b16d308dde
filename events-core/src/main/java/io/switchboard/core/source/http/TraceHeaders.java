package io.switchboard.core.source.http;

import com.sun.net.httpserver.Headers;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.util.regex.Pattern;

/**
 * Continues a caller's trace: the W3C Trace Context headers of a request ({@code traceparent}, {@code tracestate})
 * become the CloudEvents Distributed Tracing extension of the event it carries, unless the event carries its own
 * (binary-mode {@code ce-traceparent}, or a structured event's attribute). The values are copied, not interpreted;
 * a {@code traceparent} that is not of the W3C form is ignored.
 */
final class TraceHeaders {

    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";
    /** version-traceid-parentid-flags, lowercase hex (W3C Trace Context, level 1 and later versions). */
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-.*)?");
    private static final int MAX_TRACESTATE = 512;

    private TraceHeaders() {
    }

    static CloudEvent adopt(Headers headers, CloudEvent event) {
        String parent = headers.getFirst(TRACEPARENT);
        if (parent == null || event.getExtension(TRACEPARENT) != null || !FORM.matcher(parent.trim()).matches()) {
            return event;
        }
        CloudEventBuilder builder = CloudEventBuilder.from(event).withExtension(TRACEPARENT, parent.trim());
        String state = headers.getFirst(TRACESTATE);
        if (state != null && !state.isBlank() && state.length() <= MAX_TRACESTATE) {
            builder.withExtension(TRACESTATE, state.trim());
        }
        return builder.build();
    }
}
