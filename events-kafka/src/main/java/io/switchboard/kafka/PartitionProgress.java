package io.switchboard.kafka;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;

/**
 * The commit rule for one assigned partition: work is tracked in offset order, and the committable offset is the
 * first offset of the oldest unsettled work (or one past the last polled record when everything settled). Work
 * finishing out of order (different keys run in parallel) therefore never lets the commit jump over unfinished work.
 *
 * <p>The deque and offsets are confined to the poll thread; lanes only flip {@link Work}'s atomic state and read
 * {@link #isRevoked()}.
 */
final class PartitionProgress {

    final TopicPartition topicPartition;
    private final ArrayDeque<Work> outstanding = new ArrayDeque<>();
    private long nextOffset = -1;
    private long committed = -1;
    private volatile boolean revoked;

    PartitionProgress(TopicPartition topicPartition) {
        this.topicPartition = topicPartition;
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

    void committed(long offset) {
        committed = Math.max(committed, offset);
    }

    boolean allSettled() {
        committable();
        return outstanding.isEmpty();
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
        revoked = true;
        for (Work work : outstanding) {
            work.abandon();
        }
        outstanding.clear();
    }
}
