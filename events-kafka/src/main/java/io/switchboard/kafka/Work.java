package io.switchboard.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One unit of consumption: a single record (bus, plain source) or a run of consecutive records of one partition
 * (batching source). It is tracked by its partition's {@link PartitionProgress} from the moment it is polled until
 * it settles; only settled work lets the committed offset move past it.
 *
 * <p>Settling happens exactly once, by whichever comes first: the handler finishing ({@link #complete()}) or the
 * partition being taken away ({@link #abandon()}); the winner releases the in-flight permit.
 */
final class Work {

    private static final int PENDING = 0;
    private static final int COMPLETED = 1;
    private static final int ABANDONED = 2;

    final PartitionProgress partition;
    final List<ConsumerRecord<byte[], byte[]>> records;
    /** Records with equal lane keys are handled one at a time, in offset order. {@code null}: no ordering needed. */
    final byte[] laneKey;
    /** A field updater rather than an AtomicInteger: one object less per record on the consumer's hot path. */
    private static final AtomicIntegerFieldUpdater<Work> STATE = AtomicIntegerFieldUpdater.newUpdater(Work.class, "state");

    private volatile int state = PENDING;
    private final AtomicInteger inFlight;

    /** What the handler decoded on a first attempt, kept for retries (a CloudEvent, or a poison description). */
    Object decoded;
    /** Failed attempts so far; touched only by the lane running this work. */
    int failures;
    /** Run once if the work is abandoned while a lane waits for its stage, so the lane can move on. */
    private volatile Runnable onAbandon;

    Work(PartitionProgress partition, List<ConsumerRecord<byte[], byte[]>> records, byte[] laneKey, AtomicInteger inFlight) {
        this.partition = partition;
        this.records = records;
        this.laneKey = laneKey;
        this.inFlight = inFlight;
    }

    TopicPartition topicPartition() {
        return partition.topicPartition;
    }

    ConsumerRecord<byte[], byte[]> first() {
        return records.get(0);
    }

    long firstOffset() {
        return records.get(0).offset();
    }

    long lastOffset() {
        return records.get(records.size() - 1).offset();
    }

    boolean isSettled() {
        return state != PENDING;
    }

    /** Whether this work should still be handled: not settled and its partition still ours. */
    boolean isLive() {
        return state == PENDING && !partition.isRevoked();
    }

    /** Marks the work handled; returns {@code false} if it had already been abandoned. */
    boolean complete() {
        return settle(COMPLETED);
    }

    /** Gives the work up unacknowledged (its partition moved away or the consumer stopped). */
    void abandon() {
        if (settle(ABANDONED)) {
            Runnable hook = onAbandon;
            if (hook != null) {
                hook.run();
            }
        }
    }

    /** Registers what to do if this work is abandoned while its handler's stage is still pending. */
    void onAbandon(Runnable hook) {
        this.onAbandon = hook;
        if (state == ABANDONED) {
            hook.run(); // abandoned before the hook was in place; the hook tolerates running twice
        }
    }

    private boolean settle(int outcome) {
        if (STATE.compareAndSet(this, PENDING, outcome)) {
            inFlight.decrementAndGet();
            return true;
        }
        return false;
    }

    /** {@code topic-partition@first[..last]}, for log lines. */
    String describe() {
        long first = firstOffset();
        long last = lastOffset();
        return partition.topicPartition + "@" + (first == last ? String.valueOf(first) : first + ".." + last);
    }
}
