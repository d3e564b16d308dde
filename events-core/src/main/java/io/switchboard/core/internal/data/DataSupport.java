package io.switchboard.core.internal.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import io.switchboard.api.DataCodec;
import io.switchboard.api.JsonSchema;
import io.switchboard.cesql.Cesql;
import io.switchboard.cesql.CesqlParser;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one runtime uses to look into event data: the CESQL parser for filters (with the data extension when enabled),
 * the parse-once JSON reader, the schema compiler with the application's named schemas, and the codec of typed sinks.
 * Immutable after construction; thread-safe.
 */
public final class DataSupport {

    /** Attribute-only filters, default bounds, a default mapper, no named schemas. */
    public static final DataSupport DEFAULT = new DataSupport(false, JsonData.DEFAULT_MAX_BYTES,
            JsonData.DEFAULT_MAX_DEPTH, null, Map.of(), new java.util.ArrayList<>());

    private final JsonData json;
    private final CesqlParser filters;
    private final Schemas schemas = new Schemas();
    private final Map<String, Schema> named;
    private final DataCodec codec;

    /**
     * @param dataFilters whether filters may read the data ({@code data.total > 100})
     * @param mapper      the application's mapper for typed sinks, or {@code null} for a default one
     * @param named       schemas by {@code dataschema} URI text
     * @param problems    where schemas that cannot be compiled are reported
     */
    public DataSupport(boolean dataFilters, int maxBytes, int maxDepth, ObjectMapper mapper,
                       Map<String, JsonSchema> named, List<String> problems) {
        maxBytes = maxBytes == -1 ? JsonData.DEFAULT_MAX_BYTES : maxBytes;
        maxDepth = maxDepth == -1 ? JsonData.DEFAULT_MAX_DEPTH : maxDepth;
        this.json = new JsonData(maxBytes, maxDepth);
        this.filters = dataFilters ? Cesql.builder().dataFields(json).build() : Cesql.builder().build();
        Map<String, Schema> compiled = new LinkedHashMap<>();
        named.forEach((uri, spec) -> {
            if (spec.kind() == JsonSchema.Kind.BY_DATASCHEMA) {
                problems.add("schema '" + uri + "' is registered as JsonSchema.byDataschema(), which selects a"
                        + " registered schema and cannot be one: register the schema's text, file or resource");
                return;
            }
            try {
                compiled.put(uri, schemas.compile(spec));
            } catch (IllegalArgumentException e) {
                problems.add("schema '" + uri + "': " + e.getMessage());
            }
        });
        this.named = Map.copyOf(compiled);
        this.codec = new JacksonCodec(mapper == null ? defaultMapper() : mapper, maxBytes);
    }

    /** Modules found on the class path (e.g. java.time), and unknown properties ignored: payloads grow over time. */
    private static ObjectMapper defaultMapper() {
        return new ObjectMapper().findAndRegisterModules()
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    public CesqlParser filters() {
        return filters;
    }

    public JsonData json() {
        return json;
    }

    public DataCodec codec() {
        return codec;
    }

    /**
     * The check for {@code spec}.
     *
     * @throws IllegalArgumentException if the schema cannot be read or compiled, or selects by {@code dataschema}
     *                                  while no schema is registered
     */
    public Schemas.Check check(JsonSchema spec) {
        if (spec.kind() == JsonSchema.Kind.BY_DATASCHEMA && named.isEmpty()) {
            throw new IllegalArgumentException("the schema is selected by the event's dataschema, but no schema is"
                    + " registered: add them with Switchboard.builder().schema(uri, schema)");
        }
        return Schemas.check(schemas.compile(spec), named, json);
    }
}
