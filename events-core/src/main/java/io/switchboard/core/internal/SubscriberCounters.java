package io.switchboard.core.internal;

import io.switchboard.api.SubscriberStats;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The live counters of one subscriber. Written by the dispatch and delivery paths, read by the runtime view.
 * Thread-safe; {@link LongAdder}s keep contended increments cheap.
 *
 * <p>The counters written for every event are {@link PaddedAdder}s: {@code received}, {@code matched} and
 * {@code fired} are written by the publishing (routing) thread, {@code delivered} by the delivering thread of an
 * asynchronous subscriber. Plain adders allocated one after another share cache lines, so each side's increment would
 * invalidate the line the other side is writing (false sharing) on every event.
 */
public final class SubscriberCounters {
    public final LongAdder received = new PaddedAdder();
    public final LongAdder matched = new PaddedAdder();
    public final LongAdder fired = new PaddedAdder();
    public final LongAdder delivered = new PaddedAdder();
    /**
     * Events that went through the inline fast path in one step: received, matched, fired alone and delivered on the
     * first attempt. Counted once instead of four times; {@link #snapshot} adds it to each of those four values, and
     * the fast path increments none of them itself.
     */
    public final LongAdder completedInline = new PaddedAdder();
    public final LongAdder failed = new LongAdder();
    public final LongAdder retried = new LongAdder();
    public final LongAdder deadLettered = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    /** Evicted correlation keys and expired held events, for multi-input conditions. */
    public final LongAdder evicted = new LongAdder();
    /** Events of a correlated multi-input condition that lacked the correlation attribute (not held, cannot fire). */
    public final LongAdder uncorrelated = new LongAdder();
    /** Held events re-published to their correlation topic after the re-park age (cross-instance path). */
    public final LongAdder reparked = new LongAdder();
    /** Events re-published to the subscriber's correlation topic by the first hop (cross-instance path). */
    public final LongAdder rekeyed = new LongAdder();
    /** Firings replaced by a later one of the same key before a debounce quiet period ended (not delivered). */
    public final LongAdder superseded = new LongAdder();

    private volatile LongSupplier queueDepth = () -> 0L;

    /** Where {@link #snapshot} reads the queue depth from. */
    public void queueDepth(LongSupplier depth) {
        this.queueDepth = depth;
    }

    public SubscriberStats snapshot(String trigger, String subscriber) {
        long inline = completedInline.sum();
        return new SubscriberStats(trigger, subscriber, received.sum() + inline, matched.sum() + inline,
                fired.sum() + inline, delivered.sum() + inline,
                failed.sum(), retried.sum(), deadLettered.sum(), rejected.sum(), queueDepth.getAsLong());
    }

    /**
     * A {@link LongAdder} followed by 64 bytes of unused fields, so that the next object on the heap starts at least a
     * cache line after its uncontended {@code base} word (subclass fields are laid out after the superclass's). Only
     * the padding is added; the adder's behaviour is unchanged.
     */
    @SuppressWarnings({"unused", "serial"})
    static final class PaddedAdder extends LongAdder {
        private static final long serialVersionUID = 1L;
        private long p01, p02, p03, p04, p05, p06, p07, p08;
    }
}
