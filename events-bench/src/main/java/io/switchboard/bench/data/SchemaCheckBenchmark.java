package io.switchboard.bench.data;

import io.cloudevents.CloudEvent;
import io.switchboard.api.InvalidDataException;
import io.switchboard.api.JsonSchema;
import io.switchboard.core.internal.data.JsonData;
import io.switchboard.core.internal.data.Schemas;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a JSON Schema check adds per event, on the 1 KB order event: the runtime's check of a trigger input (parse the
 * data once, validate with the compiled schema), against parsing alone (what a data filter already pays), and the
 * validation alone on data parsed already (the event passed a data filter first). Two events alternate so that each
 * parsing operation meets an event it has not parsed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SchemaCheckBenchmark {

    static final String SCHEMA = """
            {"type": "object", "required": ["orderId", "total", "currency", "customer", "lines"],
             "properties": {
               "orderId": {"type": "string", "pattern": "^ord-[0-9]{4}-[0-9]+$"},
               "total": {"type": "integer", "minimum": 0},
               "currency": {"enum": ["EUR", "USD", "CHF"]},
               "customer": {"type": "object", "required": ["id", "email"],
                            "properties": {"email": {"type": "string", "maxLength": 200},
                                           "tier": {"enum": ["bronze", "silver", "gold"]}}},
               "lines": {"type": "array", "minItems": 1,
                         "items": {"type": "object", "required": ["sku", "qty"],
                                   "properties": {"sku": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}}}}}}
            """;

    private JsonData data;
    private Schemas.Check check;
    private CloudEvent even;
    private CloudEvent odd;
    private boolean flip;

    @Setup
    public void setUp() {
        data = new JsonData(JsonData.DEFAULT_MAX_BYTES, JsonData.DEFAULT_MAX_DEPTH);
        check = Schemas.check(new Schemas().compile(JsonSchema.of(SCHEMA)), Map.of(), data);
        even = OrderEvents.event("even");
        odd = OrderEvents.event("odd");
        if (check.validate(even) != null) {
            throw new IllegalStateException("the benchmark event must be valid: " + check.validate(even));
        }
    }

    private CloudEvent next() {
        flip = !flip;
        return flip ? even : odd;
    }

    @Benchmark
    public InvalidDataException parseAndValidate() {
        return check.validate(next());
    }

    @Benchmark
    public Object parseOnly() {
        return data.parsed(next());
    }

    @Benchmark
    public InvalidDataException validateAlreadyParsed() {
        return check.validate(even);
    }
}
