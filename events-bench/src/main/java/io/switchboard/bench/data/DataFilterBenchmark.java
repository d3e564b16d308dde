package io.switchboard.bench.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.switchboard.cesql.Cesql;
import io.switchboard.cesql.CesqlExpression;
import io.switchboard.core.internal.data.JsonData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A payload filter, {@code data.total > 100} on a 1 KB JSON event, three ways in one run:
 * <ul>
 *   <li>Switchboard: the CESQL data extension over the runtime's parse-once JSON accessor ({@code test()}, as dispatch
 *       calls it). Each operation meets an event it has not parsed yet (two events alternate, so the accessor's
 *       per-thread cache never hits): the figure includes parsing the data.</li>
 *   <li>Argo Events style: parse the data to a tree, look the path up, compare.</li>
 *   <li>Spring SpEL: parse the data to a {@code Map}, evaluate the compiled expression {@code ['total'] > 100} on it.</li>
 * </ul>
 * Two more rows isolate the evaluation: Switchboard on an event it already parsed (the second and later filters that
 * read one event), and SpEL on a map parsed once. Run with {@code -prof gc} for B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DataFilterBenchmark {

    private final ObjectMapper mapper = new ObjectMapper();
    private CloudEvent even;
    private CloudEvent odd;
    private boolean flip;
    private CesqlExpression switchboard;
    private Expression spel;
    private SimpleEvaluationContext spelContext;
    private Map<?, ?> parsedMap;

    @Setup
    public void setUp() throws IOException {
        even = OrderEvents.event("even");
        odd = OrderEvents.event("odd");
        switchboard = Cesql.builder().dataFields(new JsonData(JsonData.DEFAULT_MAX_BYTES, JsonData.DEFAULT_MAX_DEPTH))
                .build().parse("data.total > 100");
        spel = new SpelExpressionParser().parseExpression("['total'] > 100");
        spelContext = SimpleEvaluationContext.forReadOnlyDataBinding().build();
        parsedMap = mapper.readValue(OrderEvents.BYTES, Map.class);
        if (!switchboard.test(even) || !argo() || !spel() || !spelOnParsedMap()) {
            throw new IllegalStateException("every variant must find data.total > 100 true for the benchmark event");
        }
    }

    private CloudEvent next() {
        flip = !flip;
        return flip ? even : odd;
    }

    @Benchmark
    public boolean switchboard() {
        return switchboard.test(next());
    }

    @Benchmark
    public boolean switchboardAlreadyParsed() {
        return switchboard.test(even);
    }

    @Benchmark
    public boolean argo() throws IOException {
        JsonNode tree = mapper.readTree(next().getData().toBytes());
        JsonNode total = tree.path("total");
        return total.isNumber() && total.longValue() > 100;
    }

    @Benchmark
    public boolean spel() throws IOException {
        Map<?, ?> data = mapper.readValue(next().getData().toBytes(), Map.class);
        return Boolean.TRUE.equals(spel.getValue(spelContext, data, Boolean.class));
    }

    @Benchmark
    public boolean spelOnParsedMap() {
        return Boolean.TRUE.equals(spel.getValue(spelContext, parsedMap, Boolean.class));
    }
}
