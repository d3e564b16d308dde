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
public final class MpscRing<E> extends MpscRingHead {

    private static final VarHandle TAIL;
    private static final VarHandle HEAD;
    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(MpscRingTail.class, "tail", long.class);
            HEAD = lookup.findVarHandle(MpscRingHeadField.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] slots;
    private final long[] sequences;
    private final int mask;
    // tail (producers) and head (the consumer) live in superclasses with a cache line of padding around each,
    // so that the consumer's store to head does not invalidate the line producers CAS tail on, and vice versa

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

/** Padding in front of {@link MpscRingTail#tail}: keeps it off the line of the object header and earlier objects. */
@SuppressWarnings("unused")
abstract class MpscRingPad0 {
    private long p01, p02, p03, p04, p05, p06, p07, p08;
}

/** The producers' claim counter of an {@link MpscRing}. */
abstract class MpscRingTail extends MpscRingPad0 {
    @SuppressWarnings("unused") // through MpscRing.TAIL
    volatile long tail;
}

/** Padding between the producers' {@code tail} and the consumer's {@code head}. */
@SuppressWarnings("unused")
abstract class MpscRingPad1 extends MpscRingTail {
    private long p11, p12, p13, p14, p15, p16, p17, p18;
}

/** The consumer's position of an {@link MpscRing}. */
abstract class MpscRingHeadField extends MpscRingPad1 {
    @SuppressWarnings("unused") // through MpscRing.HEAD
    volatile long head;
}

/** Padding after {@code head}, before the ring's own (read-mostly) fields. */
@SuppressWarnings("unused")
abstract class MpscRingHead extends MpscRingHeadField {
    private long p21, p22, p23, p24, p25, p26, p27, p28;
}
