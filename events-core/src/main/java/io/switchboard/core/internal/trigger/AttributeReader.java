package io.switchboard.core.internal.trigger;

import io.cloudevents.CloudEvent;

import java.util.Objects;
import java.util.function.Function;

/**
 * Reads one CloudEvent context attribute or extension as text, e.g. the correlation key of a multi-input condition
 * or the debounce key of a subscriber. Spec attributes ({@code id}, {@code source}, {@code type}, {@code subject},
 * {@code time}, {@code datacontenttype}, {@code dataschema}, {@code specversion}) are read through their getters;
 * any other name is an extension. Immutable and thread-safe.
 */
public final class AttributeReader {

    private final String name;
    private final Function<CloudEvent, Object> getter;

    private AttributeReader(String name, Function<CloudEvent, Object> getter) {
        this.name = name;
        this.getter = getter;
    }

    /** A reader of the attribute or extension called {@code name}. */
    public static AttributeReader of(String name) {
        Objects.requireNonNull(name, "name");
        Function<CloudEvent, Object> getter;
        switch (name) {
            case "id":
                getter = CloudEvent::getId;
                break;
            case "source":
                getter = CloudEvent::getSource;
                break;
            case "type":
                getter = CloudEvent::getType;
                break;
            case "subject":
                getter = CloudEvent::getSubject;
                break;
            case "time":
                getter = CloudEvent::getTime;
                break;
            case "datacontenttype":
                getter = CloudEvent::getDataContentType;
                break;
            case "dataschema":
                getter = CloudEvent::getDataSchema;
                break;
            case "specversion":
                getter = CloudEvent::getSpecVersion;
                break;
            default:
                getter = event -> event.getExtension(name);
        }
        return new AttributeReader(name, getter);
    }

    /** The attribute's value as text, or {@code null} if the event does not carry it. */
    public String read(CloudEvent event) {
        Object value = getter.apply(event);
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof io.cloudevents.SpecVersion v) {
            return v.toString();
        }
        return value.toString();
    }

    public String name() {
        return name;
    }
}
