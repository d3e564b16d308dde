package io.switchboard.bench.cesql;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.sql.Expression;
import io.cloudevents.sql.Parser;
import io.switchboard.cesql.Cesql;
import io.switchboard.cesql.CesqlExpression;
import io.switchboard.cesql.CesqlResult;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Switchboard's CESQL evaluator side by side with the reference implementation, io.cloudevents:cloudevents-sql
 * 4.0.1, in one run, on the three expressions of issue 2. "parsed" benchmarks evaluate an expression compiled
 * once; "parseAndEvaluate" benchmarks compile and evaluate per operation. Every expression is true for the event,
 * so the whole expression is evaluated. Run with {@code -prof gc} to see B/op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CesqlBenchmark {

    @Param({"type", "likeAndSource", "inAndInt"})
    public String expression;

    private String source;
    private CloudEvent event;
    private CesqlExpression switchboard;
    private Expression reference;

    @Setup
    public void setUp() {
        source = switch (expression) {
            case "type" -> "type = 'com.example.order.created'";
            case "likeAndSource" -> "type LIKE 'com.example.%' AND source = '/orders'";
            case "inAndInt" -> "subject IN ('a','b','c') AND int(datasize) > 100";
            default -> throw new IllegalArgumentException(expression);
        };
        event = CloudEventBuilder.v1()
                .withId("42")
                .withSource(URI.create("/orders"))
                .withType("com.example.order.created")
                .withSubject("b")
                .withExtension("datasize", "250") // header-borne extensions arrive as strings
                .build();
        switchboard = Cesql.parse(source);
        reference = Parser.parseDefault(source);
        if (!switchboard.test(event) || !Boolean.TRUE.equals(reference.evaluate(event).value())) {
            throw new IllegalStateException("both engines must find " + source + " true for the benchmark event");
        }
    }

    @Benchmark
    public CesqlResult parsedSwitchboardEvaluate() {
        return switchboard.evaluate(event);
    }

    @Benchmark
    public boolean parsedSwitchboardTest() {
        return switchboard.test(event);
    }

    @Benchmark
    public Object parsedReferenceEvaluate() {
        return reference.evaluate(event);
    }

    @Benchmark
    public CesqlResult parseAndEvaluateSwitchboard() {
        return Cesql.parse(source).evaluate(event);
    }

    @Benchmark
    public Object parseAndEvaluateReference() {
        return Parser.parseDefault(source).evaluate(event);
    }
}
