package io.switchboard.opentelemetry;

import io.cloudevents.CloudEvent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;

/**
 * The attribute keys of OpenTelemetry's messaging and CloudEvents semantic conventions that the spans carry (spelled
 * out here rather than taken from the incubating semconv artifact, whose keys change between releases).
 */
final class Semconv {

    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("cloudevents.event_id");
    static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("cloudevents.event_type");
    static final AttributeKey<String> EVENT_SOURCE = AttributeKey.stringKey("cloudevents.event_source");
    static final AttributeKey<String> EVENT_SUBJECT = AttributeKey.stringKey("cloudevents.event_subject");
    static final AttributeKey<String> TRIGGER = AttributeKey.stringKey("switchboard.trigger");
    static final AttributeKey<String> SUBSCRIBER = AttributeKey.stringKey("switchboard.subscriber");

    private Semconv() {
    }

    /** The message and CloudEvents attributes of {@code event}. */
    static SpanBuilder event(SpanBuilder span, CloudEvent event) {
        span.setAttribute(MESSAGE_ID, event.getId())
                .setAttribute(EVENT_ID, event.getId())
                .setAttribute(EVENT_TYPE, event.getType())
                .setAttribute(EVENT_SOURCE, String.valueOf(event.getSource()));
        if (event.getSubject() != null) {
            span.setAttribute(EVENT_SUBJECT, event.getSubject());
        }
        return span;
    }
}
