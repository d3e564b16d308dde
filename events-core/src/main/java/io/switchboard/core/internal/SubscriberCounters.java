package io.switchboard.core.internal;

import io.switchboard.api.SubscriberStats;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The live counters of one subscriber. Written by the dispatch and delivery paths, read by the runtime view.
 * Thread-safe; {@link LongAdder}s keep contended increments cheap.
 */
public final class SubscriberCounters {
    public final LongAdder received = new LongAdder();
    public final LongAdder matched = new LongAdder();
    public final LongAdder fired = new LongAdder();
    public final LongAdder delivered = new LongAdder();
    public final LongAdder failed = new LongAdder();
    public final LongAdder retried = new LongAdder();
    public final LongAdder deadLettered = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    /** Evicted correlation keys and expired held events, for multi-input conditions. */
    public final LongAdder evicted = new LongAdder();
    /** Events of a correlated multi-input condition that lacked the correlation attribute (not held, cannot fire). */
    public final LongAdder uncorrelated = new LongAdder();
    /** Firings replaced by a later one of the same key before a debounce quiet period ended (not delivered). */
    public final LongAdder superseded = new LongAdder();

    private volatile LongSupplier queueDepth = () -> 0L;

    /** Where {@link #snapshot} reads the queue depth from. */
    public void queueDepth(LongSupplier depth) {
        this.queueDepth = depth;
    }

    public SubscriberStats snapshot(String trigger, String subscriber) {
        return new SubscriberStats(trigger, subscriber, received.sum(), matched.sum(), fired.sum(), delivered.sum(),
                failed.sum(), retried.sum(), deadLettered.sum(), rejected.sum(), queueDepth.getAsLong());
    }
}
