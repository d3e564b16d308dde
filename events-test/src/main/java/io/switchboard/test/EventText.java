package io.switchboard.test;

import io.cloudevents.CloudEvent;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** How assertion messages show events, and the CloudEvents canonical-form comparison of values. */
final class EventText {

    private EventText() {
    }

    /** One line: type, subject, id. */
    static String describe(CloudEvent e) {
        if (e == null) {
            return "null";
        }
        return e.getType() + (e.getSubject() == null ? "" : " subject=" + e.getSubject()) + " id=" + e.getId();
    }

    static String describe(Collection<CloudEvent> events) {
        if (events.isEmpty()) {
            return "(none)";
        }
        return events.stream().map(EventText::describe).collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    static String extensions(CloudEvent e) {
        TreeMap<String, String> shown = new TreeMap<>();
        for (String name : e.getExtensionNames()) {
            shown.put(name, value(e.getExtension(name)));
        }
        return shown.toString();
    }

    static String value(Object v) {
        return v instanceof byte[] bytes ? Arrays.toString(bytes) : String.valueOf(v);
    }

    /**
     * Whether {@code actual} is {@code expected} or its canonical CloudEvents string form: Integer in decimal,
     * Boolean as true/false, Binary in Base64, URI as text, Timestamp in RFC 3339 (compared as instants).
     */
    static boolean sameValue(Object expected, Object actual) {
        if (expected == null || actual == null) {
            return expected == actual;
        }
        if (expected instanceof byte[] bytes) {
            if (actual instanceof byte[] other) {
                return Arrays.equals(bytes, other);
            }
            try {
                return Arrays.equals(bytes, Base64.getDecoder().decode(actual.toString()));
            } catch (IllegalArgumentException notBase64) {
                return false;
            }
        }
        if (expected instanceof OffsetDateTime time) {
            try {
                OffsetDateTime other = actual instanceof OffsetDateTime t ? t : OffsetDateTime.parse(actual.toString());
                return time.isEqual(other);
            } catch (DateTimeParseException notATimestamp) {
                return false;
            }
        }
        return expected.equals(actual) || expected.toString().equals(actual.toString());
    }
}
