package io.switchboard.bench.cesql;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.sql.Expression;
import io.cloudevents.sql.Parser;
import io.switchboard.cesql.Cesql;
import io.switchboard.cesql.CesqlExpression;
import java.net.URI;
import java.util.Arrays;

/**
 * A drift-robust cross-check of {@link CesqlBenchmark} for a shared machine: JMH measures each benchmark in its
 * own fork one after the other, so load that comes and goes skews the ratio between two engines. This alternates
 * short bursts of the two engines on the same expressions in one JVM and reports the median time per evaluation
 * of each and the median of the per-round ratios. Not a replacement for the JMH figures; run with
 * {@code java -cp events-bench/target/benchmarks.jar io.switchboard.bench.cesql.CesqlInterleavedRatio}.
 */
public final class CesqlInterleavedRatio {

    private static volatile Object sink;

    private CesqlInterleavedRatio() {
    }

    public static void main(String[] args) {
        CloudEvent event = CloudEventBuilder.v1().withId("42").withSource(URI.create("/orders"))
                .withType("com.example.order.created").withSubject("b").withExtension("datasize", "250").build();
        String[] expressions = {
            "type = 'com.example.order.created'",
            "type LIKE 'com.example.%' AND source = '/orders'",
            "subject IN ('a','b','c') AND int(datasize) > 100",
        };
        int rounds = 15;
        for (String source : expressions) {
            CesqlExpression mine = Cesql.parse(source);
            Expression reference = Parser.parseDefault(source);
            for (int w = 0; w < 5; w++) { // warm up both
                burstMine(mine, event, 100);
                burstReference(reference, event, 100);
            }
            double[] mineNs = new double[rounds];
            double[] refNs = new double[rounds];
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                mineNs[r] = burstMine(mine, event, 100);
                refNs[r] = burstReference(reference, event, 100);
                ratios[r] = refNs[r] / mineNs[r];
            }
            System.out.printf("%-52s switchboard %7.1f ns/op, cloudevents-sql %8.1f ns/op, median ratio %5.1fx%n",
                    source, median(mineNs), median(refNs), median(ratios));
        }
    }

    /** @return ns per evaluation over a burst of about {@code millis} ms */
    private static double burstMine(CesqlExpression e, CloudEvent event, long millis) {
        long ops = 0;
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000;
        long now;
        do {
            for (int i = 0; i < 1_000; i++) {
                sink = e.evaluate(event);
            }
            ops += 1_000;
            now = System.nanoTime();
        } while (now < deadline);
        return (now - start) / (double) ops;
    }

    private static double burstReference(Expression e, CloudEvent event, long millis) {
        long ops = 0;
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000;
        long now;
        do {
            for (int i = 0; i < 1_000; i++) {
                sink = e.evaluate(event);
            }
            ops += 1_000;
            now = System.nanoTime();
        } while (now < deadline);
        return (now - start) / (double) ops;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
