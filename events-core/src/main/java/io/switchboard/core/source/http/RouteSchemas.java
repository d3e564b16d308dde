package io.switchboard.core.source.http;

import io.cloudevents.CloudEvent;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.InvalidDataException;
import io.switchboard.api.JsonSchema;
import io.switchboard.core.internal.data.JsonData;
import io.switchboard.core.internal.data.Schemas;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The JSON Schemas of an HTTP source's routes, compiled when the source is built. A request to a route with a schema
 * whose event data does not validate is answered 400 with the violations, and none of its events is published.
 */
final class RouteSchemas {

    static final RouteSchemas NONE = new RouteSchemas(Map.of());

    private static final Pattern ROUTE = Pattern.compile("/|/apis/events|/(async-)?function/[A-Za-z_][A-Za-z0-9_.\\-]{0,199}");

    private final Map<String, Schemas.Check> byPath;

    private RouteSchemas(Map<String, Schemas.Check> byPath) {
        this.byPath = byPath;
    }

    /** Checks that {@code path} names a route that takes events, so a typo fails the build instead of never matching. */
    static String checkPath(String source, String path) {
        if (path == null || !ROUTE.matcher(path).matches()) {
            throw new ConfigurationException("HTTP source '" + source + "': '" + path + "' is not a route that takes"
                    + " events; use /, /apis/events, /function/{trigger} or /async-function/{trigger}");
        }
        return path;
    }

    /**
     * @throws ConfigurationException if a schema cannot be read or compiled, or selects by {@code dataschema}
     */
    static RouteSchemas compile(String source, Map<String, JsonSchema> specs, long maxBodySize) {
        if (specs.isEmpty()) {
            return NONE;
        }
        JsonData data = new JsonData((int) Math.min(maxBodySize, Integer.MAX_VALUE), JsonData.DEFAULT_MAX_DEPTH);
        Schemas schemas = new Schemas();
        Map<String, Schemas.Check> checks = new LinkedHashMap<>();
        specs.forEach((path, spec) -> {
            if (spec.kind() == JsonSchema.Kind.BY_DATASCHEMA) {
                throw new ConfigurationException("HTTP source '" + source + "' route " + path + ": a source validates"
                        + " with a fixed schema; JsonSchema.byDataschema() is for trigger inputs");
            }
            try {
                checks.put(path, Schemas.check(schemas.compile(spec), Map.of(), data));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("HTTP source '" + source + "' route " + path + ": " + e.getMessage());
            }
        });
        return new RouteSchemas(Map.copyOf(checks));
    }

    /** @throws HttpProblem 400 listing the violations of the first event whose data does not validate */
    void check(String path, List<CloudEvent> events) throws HttpProblem {
        Schemas.Check check = byPath.get(path);
        if (check == null) {
            return;
        }
        for (int i = 0; i < events.size(); i++) {
            InvalidDataException invalid = check.validate(events.get(i));
            if (invalid != null) {
                String which = events.size() == 1 ? "the event's data" : "the data of event " + (i + 1) + " of "
                        + events.size() + " (id " + events.get(i).getId() + ")";
                throw HttpProblem.of(400, "invalid-data", "Invalid event data", which + " does not match the JSON"
                        + " Schema of " + path + "; nothing was published").violations(invalid.violations());
            }
        }
    }
}
