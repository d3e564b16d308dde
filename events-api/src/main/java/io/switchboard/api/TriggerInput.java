package io.switchboard.api;

import java.util.Objects;

/**
 * A named input of a {@link Trigger}: the events of one source, optionally narrowed by a CESQL filter.
 *
 * @param name   the input's name, used in subscriber conditions; a Java-identifier-like word
 * @param source the event source (and so the bus topic) the input reads; {@link #APPLICATION} for events the
 *               application publishes itself
 * @param filter a CESQL v1 expression an event must satisfy, or {@code null} for every event of the source;
 *               validated when the runtime is built
 * @param schema the JSON Schema the data of every event that passes the filter must satisfy before any subscriber
 *               sees it, or {@code null} for none; an invalid event goes to each subscriber's dead letter instead
 */
public record TriggerInput(String name, String source, String filter, JsonSchema schema) {

    /** The source name of events published directly by the application ({@code Switchboard.publish(event)}). */
    public static final String APPLICATION = "app";

    public TriggerInput {
        Names.check("input", name);
        Names.check("source", source);
        if (filter != null && filter.isBlank()) {
            throw new IllegalArgumentException("filter of input '" + name + "' is blank; pass null to accept every event");
        }
    }

    /** An input without a schema. */
    public TriggerInput(String name, String source, String filter) {
        this(name, source, filter, null);
    }

    /** This input with {@code schema} (non-null) for its events' data. */
    public TriggerInput withSchema(JsonSchema schema) {
        return new TriggerInput(name, source, filter, Objects.requireNonNull(schema, "schema"));
    }

    /** An input reading events the application publishes, filtered by {@code filter} (may be {@code null}). */
    public static TriggerInput of(String name, String filter) {
        return new TriggerInput(name, APPLICATION, filter);
    }

    /** An input reading every event of {@code source}, filtered by {@code filter} (may be {@code null}). */
    public static TriggerInput of(String name, String source, String filter) {
        return new TriggerInput(name, Objects.requireNonNull(source, "source"), filter);
    }
}
