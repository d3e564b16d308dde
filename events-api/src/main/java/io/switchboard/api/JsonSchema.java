package io.switchboard.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the JSON Schema (draft 2020-12, or draft-07 when the schema says so with {@code $schema}) for an event's data
 * comes from: a string, a file, a classpath resource, or the runtime's registry of named schemas selected per event by
 * its {@code dataschema} attribute. The runtime reads and compiles the schema once, when it is built, and refuses to
 * build if the schema cannot be read or is not a valid schema. Immutable and thread-safe.
 *
 * <p>Attach one to a trigger input ({@link TriggerInput#withSchema}, {@link Trigger.Builder#inputSchema}) or to an HTTP
 * source route. An event whose data does not validate never reaches a handler; see {@code docs/data.md}.
 */
public final class JsonSchema {

    /** How the schema is found. */
    public enum Kind {
        /** The schema's text is given ({@link #text()}). */
        TEXT,
        /** A file on the file system ({@link #location()} is its path). */
        FILE,
        /** A classpath resource ({@link #location()} is its name, as for {@link ClassLoader#getResource}). */
        RESOURCE,
        /** Per event, the registered schema named by the event's {@code dataschema} attribute. */
        BY_DATASCHEMA
    }

    private static final JsonSchema BY_DATASCHEMA = new JsonSchema(Kind.BY_DATASCHEMA, null);

    private final Kind kind;
    private final String value;

    private JsonSchema(Kind kind, String value) {
        this.kind = kind;
        this.value = value;
    }

    /**
     * @param schema the schema as JSON text, e.g. {@code {"type":"object","required":["total"]}}
     * @throws IllegalArgumentException if blank
     */
    public static JsonSchema of(String schema) {
        Objects.requireNonNull(schema, "schema");
        if (schema.isBlank()) {
            throw new IllegalArgumentException("JSON Schema text is blank: pass the schema's JSON, e.g. {\"type\":\"object\"}");
        }
        return new JsonSchema(Kind.TEXT, schema);
    }

    /** @param path a JSON Schema file, read when the runtime is built */
    public static JsonSchema file(Path path) {
        Objects.requireNonNull(path, "path");
        return new JsonSchema(Kind.FILE, path.toString());
    }

    /**
     * @param name a classpath resource name without a leading slash (e.g. {@code schemas/order.json}), read with the
     *             thread context class loader (else this library's) when the runtime is built
     * @throws IllegalArgumentException if blank or starting with {@code /}
     */
    public static JsonSchema resource(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.startsWith("/")) {
            throw new IllegalArgumentException("classpath resource name '" + name + "' must be non-blank and must not"
                    + " start with '/': write it as ClassLoader.getResource expects, e.g. schemas/order.json");
        }
        return new JsonSchema(Kind.RESOURCE, name);
    }

    /**
     * Selects the schema per event: the one registered with the runtime ({@code Switchboard.builder().schema(uri,
     * schema)}) under the event's {@code dataschema} attribute. An event without {@code dataschema}, or naming a schema
     * that is not registered, does not validate.
     */
    public static JsonSchema byDataschema() {
        return BY_DATASCHEMA;
    }

    public Kind kind() {
        return kind;
    }

    /** @return the schema text for {@link Kind#TEXT}, else {@code null} */
    public String text() {
        return kind == Kind.TEXT ? value : null;
    }

    /** @return the file path or resource name for {@link Kind#FILE} and {@link Kind#RESOURCE}, else {@code null} */
    public String location() {
        return kind == Kind.FILE || kind == Kind.RESOURCE ? value : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonSchema s && s.kind == kind && Objects.equals(s.value, value);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case TEXT -> "JsonSchema[text, " + value.length() + " chars]";
            case FILE -> "JsonSchema[file " + value + "]";
            case RESOURCE -> "JsonSchema[resource " + value + "]";
            case BY_DATASCHEMA -> "JsonSchema[by dataschema]";
        };
    }
}
