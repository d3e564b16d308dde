package io.switchboard.core.internal.dispatch;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;

/**
 * Model-checks {@link MpscRing} for linearizability: Lincheck runs offers from several threads against one polling
 * thread under every interleaving it explores (thread switches at each shared-memory access), and each outcome must
 * match some sequential run of a bounded FIFO queue of the same capacity. The ring has two slots, so "full" and
 * wrap-around are reached within a handful of operations.
 */
@Param(name = "element", gen = IntGen.class, conf = "1:9")
public class MpscRingLinearizabilityTest {

    private static final int CAPACITY = 2;

    private final MpscRing<Integer> ring = new MpscRing<>(CAPACITY);

    @Operation
    public boolean offer(@Param(name = "element") int element) {
        return ring.offer(element);
    }

    // the ring allows one consumer at a time: the group keeps every poll of a scenario on one thread
    @Operation(nonParallelGroup = "consumer")
    public Integer poll() {
        return ring.poll();
    }

    @Test
    void offers_from_several_threads_and_one_consumer_behave_like_a_bounded_fifo_queue() {
        new ModelCheckingOptions()
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(1)
                .actorsAfter(2)
                .iterations(30)
                .invocationsPerIteration(500)
                .sequentialSpecification(BoundedQueue.class)
                .check(getClass());
    }

    /** The sequential specification: a FIFO queue that refuses an element when it holds {@code CAPACITY}. */
    public static final class BoundedQueue {
        private final ArrayDeque<Integer> elements = new ArrayDeque<>();

        public boolean offer(int element) {
            if (elements.size() == CAPACITY) {
                return false;
            }
            elements.addLast(element);
            return true;
        }

        public Integer poll() {
            return elements.pollFirst();
        }
    }
}
