package io.switchboard.cesql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudevents.CloudEvent;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * Evaluation allocates nothing when it succeeds with a Boolean: evaluate() returns shared result instances and
 * the nodes pass primitives. Measured with the JVM's per-thread allocation counter (bytes, not time).
 */
class HotPathAllocationTest {

    private static final CloudEvent EVENT = TckEvents.base()
            .withType("com.example.order.created").withSource(java.net.URI.create("/orders")).withSubject("b")
            .withExtension("datasize", "250").withExtension("count", 7).build();

    private static final String[] EXPRESSIONS = {
        "type = 'com.example.order.created'",
        "type LIKE 'com.example.%' AND source = '/orders'",
        "subject IN ('a','b','c') AND int(datasize) > 100",
        "NOT (count + 1 < 5) OR LENGTH(type) = 3",
        "EXISTS subject AND 'x' NOT IN (subject, type) XOR false",
    };

    @Test
    void errorFreeBooleanResultsAreSharedInstances() {
        for (String source : EXPRESSIONS) {
            CesqlExpression e = Cesql.parse(source);
            assertThat(e.evaluate(EVENT)).as(source).isSameAs(e.evaluate(EVENT));
            assertThat(e.evaluate(EVENT).passes()).as(source).isTrue();
        }
    }

    /** The data extension enabled: attribute-only expressions compile to the same nodes and stay allocation-free. */
    private static final CesqlParser WITH_DATA_FIELDS = Cesql.builder().dataFields((event, path) -> 1).build();

    /**
     * With and without the data extension. Each expression is measured in up to three rounds and the smallest count
     * is kept: an allocation per call shows in every round (at least 3.2 MB each), whereas the JIT recompiling shared
     * node classes as more expression shapes meet them costs a one-time few kilobytes in whichever round it happens.
     */
    @Test
    void successfulEvaluationDoesNotAllocate() throws ReflectiveOperationException {
        // reflection: the test sources compile inside the io.switchboard.cesql module, which does not read
        // java.management, and the module descriptor is not the place for a test-only dependency
        Object threads = Class.forName("java.lang.management.ManagementFactory")
                .getMethod("getThreadMXBean").invoke(null);
        Class<?> withAllocation;
        try {
            withAllocation = Class.forName("com.sun.management.ThreadMXBean");
        } catch (ClassNotFoundException e) {
            withAllocation = null;
        }
        // without the counter there is nothing to measure with: the test is skipped, never passed unmeasured
        assumeTrue(withAllocation != null && withAllocation.isInstance(threads),
                "this JVM has no per-thread allocation counter (com.sun.management.ThreadMXBean)");
        assumeTrue((Boolean) withAllocation.getMethod("isThreadAllocatedMemorySupported").invoke(threads)
                        && (Boolean) withAllocation.getMethod("isThreadAllocatedMemoryEnabled").invoke(threads),
                "this JVM's per-thread allocation counter is unsupported or disabled");
        Method allocatedBytes = withAllocation.getMethod("getThreadAllocatedBytes", long.class);
        long id = Thread.currentThread().getId();
        java.util.List<CesqlExpression> compiled = new java.util.ArrayList<>();
        for (String source : EXPRESSIONS) {
            compiled.add(Cesql.parse(source));
            compiled.add(WITH_DATA_FIELDS.parse(source));
        }
        for (CesqlExpression e : compiled) {
            for (int i = 0; i < 20_000; i++) { // warm up, so that class loading and profiling are done
                e.evaluate(EVENT);
                e.test(EVENT);
            }
        }
        for (CesqlExpression e : compiled) {
            String source = e.expression();
            long allocated = Long.MAX_VALUE;
            for (int round = 0; round < 3 && allocated >= 4_096; round++) {
                long before = (Long) allocatedBytes.invoke(threads, id);
                for (int i = 0; i < 100_000; i++) {
                    e.evaluate(EVENT);
                    e.test(EVENT);
                }
                long after = (Long) allocatedBytes.invoke(threads, id);
                assertThat(before).as("the allocation counter answered").isNotNegative();
                allocated = Math.min(allocated, after - before);
            }
            // one allocation per call would be at least 3.2 MB; allow a little for the measurement itself
            assertThat(allocated).as("bytes allocated by 200,000 evaluations of %s", source).isLessThan(4_096);
        }
    }
}
