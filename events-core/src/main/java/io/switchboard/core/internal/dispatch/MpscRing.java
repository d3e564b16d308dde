package io.switchboard.core.internal.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded multi-producer, single-consumer ring of references.
 *
 * <p>Design (Vyukov's bounded queue): every slot carries a sequence number. A producer claims slot {@code t} by
 * CAS on {@code tail} when the slot's sequence equals {@code t}, writes the element, then publishes it by
 * release-storing sequence {@code t + 1}. The single consumer reads slot {@code h} when its sequence is
 * {@code h + 1} (acquire), clears it and hands the slot back one lap later by release-storing
 * {@code h + capacity}. Offer and poll never lock and never allocate. A full ring makes {@link #offer} return
 * {@code false} at once; what to do then (wait, fail) is the caller's policy.
 *
 * <p>Thread-safety: {@link #offer} from any number of threads; {@link #poll} from one thread at a time (callers
 * serialise consumers, e.g. with a "draining" flag). {@link #size} is a racy estimate for monitoring.
 */
public final class MpscRing<E> {

    private static final VarHandle TAIL;
    private static final VarHandle HEAD;
    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(MpscRing.class, "tail", long.class);
            HEAD = lookup.findVarHandle(MpscRing.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] slots;
    private final long[] sequences;
    private final int mask;
    // producers and the consumer write different ends; padding would help a little under contention but the
    // ring is per lane, so contention on one ring is rare.
    @SuppressWarnings("unused")
    private volatile long tail;
    @SuppressWarnings("unused")
    private volatile long head;

    /**
     * A ring holding at least {@code capacity} elements: rounded up to a power of two, and at least 2 (with one slot
     * the "published" sequence of a slot would equal the claim sequence of the next lap).
     */
    public MpscRing(int capacity) {
        int size = slotsFor(capacity);
        slots = new Object[size];
        sequences = new long[size];
        for (int i = 0; i < size; i++) {
            sequences[i] = i;
        }
        mask = size - 1;
    }

    /** The number of slots a ring asked to hold {@code capacity} elements gets. */
    public static int slotsFor(int capacity) {
        if (capacity < 1 || capacity > (1 << 30)) {
            throw new IllegalArgumentException("ring capacity must be between 1 and 2^30, got " + capacity);
        }
        int size = Integer.highestOneBit(Math.max(2, capacity));
        return size < capacity ? size << 1 : size;
    }

    /** The number of slots. */
    public int capacity() {
        return slots.length;
    }

    /** Adds {@code element} at the tail; {@code false} if the ring is full. */
    public boolean offer(E element) {
        if (element == null) {
            throw new NullPointerException("element");
        }
        while (true) {
            long t = (long) TAIL.getVolatile(this);
            int index = (int) (t & mask);
            long sequence = (long) SEQUENCE.getAcquire(sequences, index);
            long difference = sequence - t;
            if (difference == 0) {
                if (TAIL.compareAndSet(this, t, t + 1)) {
                    SLOT.setRelease(slots, index, element);
                    SEQUENCE.setRelease(sequences, index, t + 1);
                    return true;
                }
            } else if (difference < 0) {
                return false;
            }
            // another producer claimed the slot first: retry with the new tail
        }
    }

    /** Removes and returns the head element, or {@code null} if the ring is empty. Single consumer only. */
    @SuppressWarnings("unchecked")
    public E poll() {
        long h = (long) HEAD.getOpaque(this);
        int index = (int) (h & mask);
        while (true) {
            long sequence = (long) SEQUENCE.getAcquire(sequences, index);
            if (sequence == h + 1) {
                break;
            }
            if ((long) TAIL.getVolatile(this) == h) {
                return null;
            }
            // a producer claimed the slot and is about to publish it: a few instructions away
            Thread.onSpinWait();
        }
        E element = (E) SLOT.getAcquire(slots, index);
        SLOT.setRelease(slots, index, null);
        SEQUENCE.setRelease(sequences, index, h + slots.length);
        HEAD.setRelease(this, h + 1);
        return element;
    }

    /** Whether the ring holds no element (racy: for the consumer's "am I done" check and monitoring). */
    public boolean isEmpty() {
        return (long) TAIL.getVolatile(this) == (long) HEAD.getVolatile(this);
    }

    /** Approximate number of elements. */
    public int size() {
        long size = (long) TAIL.getVolatile(this) - (long) HEAD.getVolatile(this);
        return (int) Math.max(0, Math.min(size, slots.length));
    }
}
