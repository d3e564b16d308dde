package io.switchboard.kafka;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The commit rule for one assigned partition: work is tracked in offset order, and the committable offset is the
 * first offset of the oldest unsettled work (or one past the last polled record when everything settled). Work
 * finishing out of order (different keys run in parallel) therefore never lets the commit jump over unfinished work.
 *
 * <p>Held work (see {@link Work}) is unsettled, so it keeps the committable offset below it; the partition counts
 * it in {@link #held()}, which the poll thread bounds by pausing the partition.
 *
 * <p>The deque and offsets are confined to the poll thread; lanes only flip {@link Work}'s atomic state, read
 * {@link #isRevoked()}, count held work and {@link #signal()} the poll thread.
 */
final class PartitionProgress {

    final TopicPartition topicPartition;
    private final ArrayDeque<Work> outstanding = new ArrayDeque<>();
    private long nextOffset = -1;
    private long committed = -1;
    private volatile boolean revoked;
    private final AtomicInteger held = new AtomicInteger();
    private final Signal settled;

    PartitionProgress(TopicPartition topicPartition) {
        this(topicPartition, new Signal());
    }

    /** @param settled signalled whenever a work of this partition settles or ends its turn */
    PartitionProgress(TopicPartition topicPartition, Signal settled) {
        this.topicPartition = topicPartition;
        this.settled = settled;
    }

    /** Work of this partition held past its turn (unsettled, not in flight). */
    AtomicInteger held() {
        return held;
    }

    void signal() {
        settled.signal();
    }

    void track(Work work) {
        outstanding.addLast(work);
        nextOffset = work.lastOffset() + 1;
    }

    /** The offset to commit now, or -1 if nothing was polled from this partition yet. */
    long committable() {
        while (!outstanding.isEmpty() && outstanding.peekFirst().isSettled()) {
            outstanding.pollFirst();
        }
        if (nextOffset < 0) {
            return -1;
        }
        return outstanding.isEmpty() ? nextOffset : outstanding.peekFirst().firstOffset();
    }

    /** The committable offset if it moved past the last one committed, else -1. */
    long committableIfAdvanced() {
        long offset = committable();
        return offset > committed ? offset : -1;
    }

    /**
     * Polled records of this partition not settled yet: how far the committable offset trails the consumer's
     * position (which is one past the last polled record), 0 before the first poll returned records.
     */
    long unsettledPolled() {
        long offset = committable();
        return offset < 0 ? 0 : nextOffset - offset;
    }

    void committed(long offset) {
        committed = Math.max(committed, offset);
    }

    /** A commit of {@code offset} failed: the next commit sends it again even if nothing advanced. */
    void commitFailed(long offset) {
        if (committed == offset) {
            committed = -1;
        }
    }

    boolean allSettled() {
        committable();
        return outstanding.isEmpty();
    }

    /** Whether no work of this partition is in its turn: everything settled or held. */
    boolean allTurnsOver() {
        committable();
        for (Work work : outstanding) {
            if (!work.isTurnOver()) {
                return false;
            }
        }
        return true;
    }

    int outstanding() {
        committable();
        return outstanding.size();
    }

    boolean isRevoked() {
        return revoked;
    }

    /** The partition is no longer ours: unsettled work is abandoned so the next owner redelivers it. */
    void revoke() {
        revoke(true);
    }

    /**
     * As {@link #revoke()}; {@code tellHolders} runs the return actions of held work (false on a crash).
     */
    void revoke(boolean tellHolders) {
        revoked = true;
        for (Work work : outstanding) {
            work.abandon(tellHolders);
        }
        outstanding.clear();
    }
}
