package io.switchboard.core.internal.delivery;

import io.switchboard.api.Subscriber;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/**
 * Model-checks {@link TokenBucket#reserve} for linearizability: concurrent reservations must each get the wait that
 * some one-at-a-time order of the same requests would give, so no two callers share a permit and no caller gets a
 * permit earlier than the rate and burst allow. The clock is an operation argument (a fixed "now" per request), so
 * every run is deterministic.
 */
@Param(name = "now", gen = IntGen.class, conf = "0:40")
public class TokenBucketLinearizabilityTest {

    // one permit every 10 ns, two back to back
    private static final long INTERVAL = 10;
    private static final int BURST = 2;

    private final TokenBucket bucket = new TokenBucket(new Subscriber.RateLimit(1, Duration.ofNanos(INTERVAL), BURST));

    @Operation
    public long reserve(@Param(name = "now") int now) {
        return bucket.reserve(now);
    }

    @Test
    void concurrent_reservations_get_the_waits_of_some_sequential_order() {
        new ModelCheckingOptions()
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(1)
                .actorsAfter(1)
                .iterations(30)
                .invocationsPerIteration(500)
                .sequentialSpecification(SequentialBucket.class)
                .check(getClass());
    }

    /**
     * The sequential specification, the virtual-scheduling rule stated once more without concurrency: the next permit
     * is due at {@code due}; a request may use it up to {@code (burst - 1) * interval} early, never before it is made,
     * and each permit pushes {@code due} one interval further from where it was used or due, whichever is later.
     */
    public static final class SequentialBucket {
        private boolean used;
        private long due;

        public long reserve(int now) {
            long at = used ? Math.max(now, due - (BURST - 1) * INTERVAL) : now;
            due = (used ? Math.max(at, due) : at) + INTERVAL;
            used = true;
            return at - now;
        }
    }
}
