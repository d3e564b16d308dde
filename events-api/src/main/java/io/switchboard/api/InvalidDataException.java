package io.switchboard.api;

import java.util.List;
import java.util.Objects;

/**
 * An event's data was refused before any handler saw it: it does not validate against its JSON Schema, or it cannot be
 * read as the type a typed handler asks for. Never retried. The dead letter of such an event carries
 * {@code dlreason} {@value #SCHEMA_REASON} (schema validation) or {@code nonretryable} (mapping), and this exception's
 * message — the violations, bounded — as {@code dlerror}.
 */
public class InvalidDataException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    /** The {@code dlreason} of an event refused by schema validation. */
    public static final String SCHEMA_REASON = "schemavalidation";

    /**
     * One reason the data is invalid.
     *
     * @param path    where in the data, as a JSON Pointer (RFC 6901, e.g. {@code /lines/0/sku}); empty for the whole
     *                data
     * @param message what is wrong there
     */
    public record Violation(String path, String message) {
        public Violation {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return path.isEmpty() ? message : path + ": " + message;
        }
    }

    private final transient List<Violation> violations;

    /**
     * @param message    the whole story, bounded in size by whoever builds it
     * @param violations the violations (possibly only the first ones), non-null
     */
    public InvalidDataException(String message, List<Violation> violations) {
        super(message);
        this.violations = List.copyOf(violations);
    }

    /** As {@link #InvalidDataException(String, List)}, with the cause (e.g. a Jackson mapping failure). */
    public InvalidDataException(String message, List<Violation> violations, Throwable cause) {
        super(message, cause);
        this.violations = List.copyOf(violations);
    }

    /** @return the violations reported (at most the first few), never null */
    public List<Violation> violations() {
        return violations == null ? List.of() : violations;
    }
}
