package io.switchboard.core.internal.data;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.cloudevents.CloudEvent;
import io.switchboard.api.InvalidDataException;
import io.switchboard.api.JsonSchema;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles {@link JsonSchema}s with the networknt validator (draft 2020-12 unless a schema's {@code $schema} names
 * another draft, e.g. draft-07) and checks event data against them. Compiling happens once, when the runtime is built;
 * the validator's default loader does not fetch remote {@code $ref}s, so a schema never makes the runtime reach the
 * network.
 */
public final class Schemas {

    /** At most this many violations are reported per event, each at most {@link #MAX_VIOLATION_LENGTH} characters. */
    public static final int MAX_VIOLATIONS = 10;
    public static final int MAX_VIOLATION_LENGTH = 80;

    // remote fetching off explicitly: a schema must never make the runtime reach the network
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            registryBuilder -> registryBuilder.schemaLoader(loader -> loader.fetchRemoteResources(false)));

    /**
     * Compiles {@code spec}; for {@link JsonSchema.Kind#BY_DATASCHEMA}, returns {@code null} (resolved per event).
     *
     * @throws IllegalArgumentException with a message saying what is wrong with the schema or where it was looked for
     */
    public Schema compile(JsonSchema spec) {
        String text = switch (spec.kind()) {
            case TEXT -> spec.text();
            case FILE -> readFile(spec.location());
            case RESOURCE -> readResource(spec.location());
            case BY_DATASCHEMA -> null;
        };
        if (text == null) {
            return null;
        }
        try {
            Schema schema = registry.getSchema(text);
            schema.initializeValidators(); // compile now: a broken $ref or keyword fails the build, not an event
            return schema;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(spec + " is not a valid JSON Schema: " + e.getMessage(), e);
        }
    }

    private static String readFile(String location) {
        try {
            return Files.readString(Path.of(location), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("JSON Schema file " + location + " cannot be read (" + e
                    + "): check the path", e);
        }
    }

    private static String readResource(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        InputStream in = loader == null ? null : loader.getResourceAsStream(name);
        if (in == null) {
            in = Schemas.class.getClassLoader().getResourceAsStream(name);
        }
        if (in == null) {
            throw new IllegalArgumentException("JSON Schema resource " + name + " is not on the classpath: check the name"
                    + " (no leading slash) and that it is packaged");
        }
        try (InputStream stream = in) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("JSON Schema resource " + name + " cannot be read: " + e, e);
        }
    }

    /**
     * The check of one input (or HTTP route): a compiled schema, or selection by {@code dataschema} from
     * {@code named}.
     *
     * @param fixed the schema, or {@code null} to select by the event's {@code dataschema}
     * @param named the registry of named schemas (URI text to schema)
     * @param data  the parse-once JSON reader
     */
    public static Check check(Schema fixed, Map<String, Schema> named, JsonData data) {
        return new Check(fixed, Map.copyOf(named), data);
    }

    /** Validates event data. Thread-safe. */
    public static final class Check {
        private final Schema fixed;
        private final Map<String, Schema> named;
        private final JsonData data;

        private Check(Schema fixed, Map<String, Schema> named, JsonData data) {
            this.fixed = fixed;
            this.named = named;
            this.data = data;
        }

        /** @return {@code null} if the data of {@code event} is valid, else why not (bounded) */
        public InvalidDataException validate(CloudEvent event) {
            Schema schema = fixed;
            if (schema == null) {
                URI dataschema = event.getDataSchema();
                if (dataschema == null) {
                    return invalid(List.of(new InvalidDataException.Violation("", "the event has no dataschema attribute"
                            + " to select its schema by")));
                }
                schema = named.get(dataschema.toString());
                if (schema == null) {
                    // the URI is the event's: bounded; the registered names are the application's, so only counted
                    return invalid(List.of(new InvalidDataException.Violation("", "dataschema "
                            + bound(dataschema.toString()) + " is not one of the " + named.size()
                            + " registered schemas")));
                }
            }
            JsonData.Parsed parsed = data.parsed(event);
            if (parsed.tree() == null) {
                return invalid(List.of(new InvalidDataException.Violation("", bound(parsed.problem()))));
            }
            List<Error> errors;
            try {
                errors = schema.validate(parsed.tree());
            } catch (RuntimeException | StackOverflowError e) {
                // the validator recursing too deep for this thread, or a bug in it: refuse rather than let it escape
                return invalid(List.of(new InvalidDataException.Violation("", bound("validation failed: " + e))));
            }
            if (errors.isEmpty()) {
                return null;
            }
            List<InvalidDataException.Violation> violations = new ArrayList<>();
            for (int i = 0; i < errors.size() && i < MAX_VIOLATIONS; i++) {
                Error e = errors.get(i);
                violations.add(new InvalidDataException.Violation(String.valueOf(e.getInstanceLocation()),
                        bound(messageOf(e))));
            }
            InvalidDataException invalid = invalid(violations);
            int more = errors.size() - violations.size();
            return more <= 0 ? invalid : new InvalidDataException(invalid.getMessage() + " (and " + more + " more)",
                    violations);
        }

        /** The validator's message without the instance location it starts with (reported as the path). */
        private static String messageOf(Error e) {
            String message = e.getMessage();
            String location = String.valueOf(e.getInstanceLocation());
            if (message != null && message.startsWith(location + ": ")) {
                return message.substring(location.length() + 2);
            }
            return message == null ? e.getKeyword() : message;
        }
    }

    static String bound(String text) {
        return text.length() <= MAX_VIOLATION_LENGTH ? text : text.substring(0, MAX_VIOLATION_LENGTH - 3) + "...";
    }

    static InvalidDataException invalid(List<InvalidDataException.Violation> violations) {
        StringBuilder message = new StringBuilder("data does not match its JSON Schema: ");
        for (int i = 0; i < violations.size(); i++) {
            if (i > 0) {
                message.append("; ");
            }
            message.append(violations.get(i));
        }
        return new InvalidDataException(message.toString(), violations);
    }
}
