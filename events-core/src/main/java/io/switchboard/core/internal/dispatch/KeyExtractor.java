package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;

/**
 * Reads the ordering key of an event: a context attribute by its getter (no allocation), or an extension.
 */
final class KeyExtractor {

    private static final int SUBJECT = 0, ID = 1, TYPE = 2, SOURCE = 3, TIME = 4, DATASCHEMA = 5, DATACONTENTTYPE = 6,
            EXTENSION = 7;

    private final int kind;
    private final String name;

    KeyExtractor(String attribute) {
        this.name = attribute.toLowerCase(java.util.Locale.ROOT);
        this.kind = switch (name) {
            case "subject" -> SUBJECT;
            case "id" -> ID;
            case "type" -> TYPE;
            case "source" -> SOURCE;
            case "time" -> TIME;
            case "dataschema" -> DATASCHEMA;
            case "datacontenttype" -> DATACONTENTTYPE;
            default -> EXTENSION;
        };
    }

    /** The key, or {@code null} if the event has none. */
    Object key(CloudEvent event) {
        return switch (kind) {
            case SUBJECT -> event.getSubject();
            case ID -> event.getId();
            case TYPE -> event.getType();
            case SOURCE -> event.getSource();
            case TIME -> event.getTime();
            case DATASCHEMA -> event.getDataSchema();
            case DATACONTENTTYPE -> event.getDataContentType();
            default -> event.getExtension(name);
        };
    }
}
