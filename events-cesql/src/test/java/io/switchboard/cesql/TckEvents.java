package io.switchboard.cesql;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.Map;

/** Builds CloudEvents for the tests: a base event plus attributes given as JSON or as name/value pairs. */
final class TckEvents {

    private TckEvents() {
    }

    /** A valid v1 event with every context attribute set and no extensions. */
    static CloudEventBuilder base() {
        return CloudEventBuilder.v1()
                .withId("base-id")
                .withSource(URI.create("http://localhost/base"))
                .withType("base.type")
                .withSubject("base-subject")
                .withTime(OffsetDateTime.parse("2018-04-26T14:48:09Z"))
                .withDataContentType("application/json")
                .withDataSchema(URI.create("http://localhost/schema"));
    }

    static CloudEvent fromJson(JsonNode event, JsonNode overrides) {
        CloudEventBuilder b = event != null ? CloudEventBuilder.v1() : base();
        if (event != null) {
            apply(b, event);
        }
        if (overrides != null) {
            apply(b, overrides);
        }
        return b.build();
    }

    private static void apply(CloudEventBuilder b, JsonNode attributes) {
        Iterator<Map.Entry<String, JsonNode>> it = attributes.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            Object value = v.isBoolean() ? (Object) v.booleanValue() : v.isInt() ? (Object) v.intValue() : v.asText();
            set(b, e.getKey(), value);
        }
    }

    static CloudEventBuilder set(CloudEventBuilder b, String name, Object value) {
        switch (name) {
            case "specversion" -> { }
            case "id" -> b.withId((String) value);
            case "source" -> b.withSource(URI.create((String) value));
            case "type" -> b.withType((String) value);
            case "subject" -> b.withSubject((String) value);
            case "time" -> b.withTime(OffsetDateTime.parse((String) value));
            case "datacontenttype" -> b.withDataContentType((String) value);
            case "dataschema" -> b.withDataSchema(URI.create((String) value));
            default -> {
                if (value instanceof Boolean bool) {
                    b.withExtension(name, bool);
                } else if (value instanceof Integer i) {
                    b.withExtension(name, i);
                } else {
                    b.withExtension(name, (String) value);
                }
            }
        }
        return b;
    }

    /** The base event with some attributes replaced or added: {@code with("myext", "x", "hop", 5)}. */
    static CloudEvent with(Object... namesAndValues) {
        CloudEventBuilder b = base();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            set(b, (String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return b.build();
    }
}
