package io.switchboard.cesql;

import io.cloudevents.CloudEvent;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * Reading attributes. The CloudEvents context attributes are always Strings in CESQL (URIs and timestamps are
 * represented as their text), so they compile to {@link Node.StrNode}s that call the event's typed getter
 * directly; everything else is an extension, whose CESQL type is only known per event.
 */
final class Attributes {

    private Attributes() {
    }

    /** Context attributes CESQL always sees as Strings (also used to keep {@code equalityConjuncts} sound). */
    static boolean isStringContextAttribute(String name) {
        return switch (name) {
            case "id", "source", "type", "specversion", "subject", "time", "datacontenttype", "dataschema" -> true;
            default -> false;
        };
    }

    // codes of the context attributes, for nodes that read them with a switch instead of a virtual call
    static final int ID = 0;
    static final int SOURCE = 1;
    static final int TYPE = 2;
    static final int SPECVERSION = 3;
    static final int SUBJECT = 4;
    static final int TIME = 5;
    static final int DATACONTENTTYPE = 6;
    static final int DATASCHEMA = 7;

    /** Reads a context attribute by code; null if the event does not have it. */
    static String readContext(CloudEvent event, int code) {
        switch (code) {
            case ID:
                return event.getId();
            case SOURCE:
                return uriText(event.getSource());
            case TYPE:
                return event.getType();
            case SPECVERSION:
                return event.getSpecVersion() == null ? null : event.getSpecVersion().toString();
            case SUBJECT:
                return event.getSubject();
            case TIME:
                return event.getTime() == null ? null : formatTime(event.getTime());
            case DATACONTENTTYPE:
                return event.getDataContentType();
            default:
                return uriText(event.getDataSchema());
        }
    }

    /**
     * Reads a String operand. When it is a context attribute, a switch reads it straight from the event: in a JVM
     * evaluating many different filters, the virtual call to the attribute node would be megamorphic.
     */
    static String readString(Node.StrNode node, CloudEvent event, Errors errors) {
        if (node instanceof ContextAttribute attr) {
            String value = readContext(event, attr.code);
            if (value == null) {
                errors.missingAttribute(attr.name, attr.pos);
                return "";
            }
            return value;
        }
        return node.evalString(event, errors);
    }

    static Node read(String name, int pos) {
        return switch (name) {
            case "id" -> new Id(pos);
            case "source" -> new Source(pos);
            case "type" -> new TypeAttr(pos);
            case "specversion" -> new SpecVersion(pos);
            case "subject" -> new Subject(pos);
            case "time" -> new Time(pos);
            case "datacontenttype" -> new DataContentType(pos);
            case "dataschema" -> new DataSchema(pos);
            default -> new Extension(name, pos);
        };
    }

    static Node.BoolNode exists(String name, int pos) {
        return switch (name) {
            // REQUIRED attributes: the input event is assumed valid (spec 3.4.4)
            case "id", "source", "type", "specversion" -> new Literals.BoolLit(true, pos);
            default -> new Exists(name, pos);
        };
    }

    /** RFC 3339 with seconds always present, e.g. {@code 2018-04-26T14:48:00Z} (unlike OffsetDateTime.toString). */
    static String formatTime(OffsetDateTime time) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
    }

    /** Maps an attribute or extension value to its CESQL value: Boolean, Integer or String; null stays null. */
    static Object toCesqlValue(Object raw) {
        if (raw == null || raw instanceof String || raw instanceof Integer || raw instanceof Boolean) {
            return raw;
        }
        if (raw instanceof Short || raw instanceof Byte) {
            return ((Number) raw).intValue();
        }
        if (raw instanceof Long l && l == l.intValue()) {
            return l.intValue();
        }
        if (raw instanceof OffsetDateTime t) {
            return formatTime(t);
        }
        if (raw instanceof byte[] bytes) {
            // the CloudEvents canonical string encoding of Binary
            return Base64.getEncoder().encodeToString(bytes);
        }
        return raw.toString();
    }

    /** Reads any attribute or extension by name, as a CESQL value; null if the event does not have it. */
    static Object value(CloudEvent event, String name) {
        Object raw;
        switch (name) {
            case "id":
                return event.getId();
            case "source":
                return uriText(event.getSource());
            case "type":
                return event.getType();
            case "specversion":
                return event.getSpecVersion() == null ? null : event.getSpecVersion().toString();
            case "subject":
                return event.getSubject();
            case "time":
                return event.getTime() == null ? null : formatTime(event.getTime());
            case "datacontenttype":
                return event.getDataContentType();
            case "dataschema":
                return uriText(event.getDataSchema());
            case "schemaurl":
            case "datacontentencoding":
                // CloudEvents 0.3 attributes: not extensions, and only readable on 0.3 events
                try {
                    raw = event.getAttribute(name);
                } catch (RuntimeException notAnAttributeOfThisVersion) {
                    raw = event.getExtension(name);
                }
                return toCesqlValue(raw);
            default:
                return toCesqlValue(event.getExtension(name));
        }
    }

    private static String uriText(URI uri) {
        // URI caches its text, so this does not allocate for URIs built from a string
        return uri == null ? null : uri.toString();
    }

    /** Base of the context-attribute readers: a missing value is a MissingAttributeError and "". */
    abstract static class ContextAttribute extends Node.StrNode {
        final String name;
        final int code;

        ContextAttribute(String name, int pos) {
            super(pos, 1, false);
            this.name = name;
            this.code = switch (name) {
                case "id" -> ID;
                case "source" -> SOURCE;
                case "type" -> TYPE;
                case "specversion" -> SPECVERSION;
                case "subject" -> SUBJECT;
                case "time" -> TIME;
                case "datacontenttype" -> DATACONTENTTYPE;
                default -> DATASCHEMA;
            };
        }

        final String orMissing(String value, Errors errors) {
            if (value == null) {
                errors.missingAttribute(name, pos);
                return "";
            }
            return value;
        }
    }

    static final class Id extends ContextAttribute {
        Id(int pos) {
            super("id", pos);
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            return orMissing(event.getId(), errors);
        }
    }

    static final class Source extends ContextAttribute {
        Source(int pos) {
            super("source", pos);
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            return orMissing(uriText(event.getSource()), errors);
        }
    }

    static final class TypeAttr extends ContextAttribute {
        TypeAttr(int pos) {
            super("type", pos);
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            return orMissing(event.getType(), errors);
        }
    }

    static final class SpecVersion extends ContextAttribute {
        SpecVersion(int pos) {
            super("specversion", pos);
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            io.cloudevents.SpecVersion v = event.getSpecVersion();
            return orMissing(v == null ? null : v.toString(), errors);
        }
    }

    static final class Subject extends ContextAttribute {
        Subject(int pos) {
            super("subject", pos);
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            return orMissing(event.getSubject(), errors);
        }
    }

    static final class Time extends ContextAttribute {
        Time(int pos) {
            super("time", pos);
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            OffsetDateTime t = event.getTime();
            return orMissing(t == null ? null : formatTime(t), errors);
        }
    }

    static final class DataContentType extends ContextAttribute {
        DataContentType(int pos) {
            super("datacontenttype", pos);
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            return orMissing(event.getDataContentType(), errors);
        }
    }

    static final class DataSchema extends ContextAttribute {
        DataSchema(int pos) {
            super("dataschema", pos);
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            return orMissing(uriText(event.getDataSchema()), errors);
        }
    }

    static final class Extension extends Node.AnyNode {
        final String name;
        private final boolean legacyAttribute;

        Extension(String name, int pos) {
            super(pos, 1);
            this.name = name;
            this.legacyAttribute = name.equals("schemaurl") || name.equals("datacontentencoding");
        }

        @Override
        Object evalAny(CloudEvent event, Errors errors) {
            // extensions are the common case: one map lookup, no dispatch on the name per event
            Object value = legacyAttribute ? value(event, name) : toCesqlValue(event.getExtension(name));
            if (value == null) {
                errors.missingAttribute(name, pos);
            }
            return value;
        }
    }

    static final class Exists extends Node.BoolNode {
        private static final int SUBJECT = 0;
        private static final int TIME = 1;
        private static final int DATACONTENTTYPE = 2;
        private static final int DATASCHEMA = 3;
        private static final int OTHER = 4;

        final String name;
        /** Resolved once, so that evaluation does not switch on the name. */
        private final int which;

        Exists(String name, int pos) {
            super(pos, 1, false);
            this.name = name;
            this.which = switch (name) {
                case "subject" -> SUBJECT;
                case "time" -> TIME;
                case "datacontenttype" -> DATACONTENTTYPE;
                case "dataschema" -> DATASCHEMA;
                default -> OTHER;
            };
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            return switch (which) {
                case SUBJECT -> event.getSubject() != null;
                case TIME -> event.getTime() != null;
                case DATACONTENTTYPE -> event.getDataContentType() != null;
                case DATASCHEMA -> event.getDataSchema() != null;
                default -> event.getExtension(name) != null || value(event, name) != null;
            };
        }
    }
}
