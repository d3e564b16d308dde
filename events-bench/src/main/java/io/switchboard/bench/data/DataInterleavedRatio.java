package io.switchboard.bench.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.switchboard.api.JsonSchema;
import io.switchboard.cesql.Cesql;
import io.switchboard.cesql.CesqlExpression;
import io.switchboard.core.internal.data.JsonData;
import io.switchboard.core.internal.data.Schemas;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

import java.util.Arrays;
import java.util.Map;

/**
 * A drift-robust cross-check of {@link DataFilterBenchmark} and {@link SchemaCheckBenchmark} for a shared machine:
 * alternates 100 ms bursts of each variant in one JVM, round after round, and reports the median time per operation of
 * each and the median of the per-round ratios to Switchboard's payload filter. The same alternating events as the JMH
 * classes, so every operation parses. Not a replacement for the JMH figures; run with
 * {@code java -cp events-bench/target/benchmarks.jar io.switchboard.bench.data.DataInterleavedRatio}.
 */
public final class DataInterleavedRatio {

    private static volatile Object sink;

    private DataInterleavedRatio() {
    }

    @FunctionalInterface
    private interface Op {
        Object run(CloudEvent event) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonData data = new JsonData(JsonData.DEFAULT_MAX_BYTES, JsonData.DEFAULT_MAX_DEPTH);
        CesqlExpression filter = Cesql.builder().dataFields(data).build().parse("data.total > 100");
        Expression spel = new SpelExpressionParser().parseExpression("['total'] > 100");
        SimpleEvaluationContext context = SimpleEvaluationContext.forReadOnlyDataBinding().build();
        Schemas.Check check = Schemas.check(new Schemas().compile(JsonSchema.of(SchemaCheckBenchmark.SCHEMA)), Map.of(),
                data);
        String[] names = {"switchboard (parse + data.total > 100)", "argo (tree + look-up)", "spel (Map + SpEL)",
            "schema check (parse + validate)", "parse only (bounded JsonData)"};
        Op[] ops = {
            filter::test,
            e -> {
                JsonNode total = mapper.readTree(e.getData().toBytes()).path("total");
                return total.isNumber() && total.longValue() > 100;
            },
            e -> spel.getValue(context, mapper.readValue(e.getData().toBytes(), Map.class), Boolean.class),
            check::validate,
            data::parsed,
        };
        CloudEvent[] events = {OrderEvents.event("even"), OrderEvents.event("odd")};
        int rounds = 15;
        for (int w = 0; w < 5; w++) {
            for (Op op : ops) {
                burst(op, events, 100);
            }
        }
        double[][] ns = new double[ops.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < ops.length; i++) {
                ns[i][r] = burst(ops[i], events, 100);
            }
        }
        for (int i = 0; i < ops.length; i++) {
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = ns[i][r] / ns[0][r];
            }
            System.out.printf("%-40s %9.1f ns/op, median ratio to switchboard %5.2f%n", names[i], median(ns[i]),
                    median(ratios));
        }
    }

    /** @return ns per operation over a burst of about {@code millis} ms, alternating the events */
    private static double burst(Op op, CloudEvent[] events, long millis) throws Exception {
        long count = 0;
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000;
        long now;
        do {
            for (int i = 0; i < 100; i++) {
                sink = op.run(events[i & 1]);
            }
            count += 100;
            now = System.nanoTime();
        } while (now < deadline);
        return (now - start) / (double) count;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
