package io.switchboard.kafka;

import io.switchboard.api.Acknowledgement;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
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
 *
 * <p><b>Held work.</b> A work is also the {@link Acknowledgement} its consumer gets (no object more per record). A
 * consumer that {@link #hold() holds} it ends only its <em>turn</em> when its stage completes ({@link #endTurn()}):
 * the state goes from PENDING to HELD, the lane moves on to the key's next work, the in-flight permit is exchanged for
 * one of the partition's held permits ({@link PartitionProgress#held()}), and the work stays unsettled — the commit
 * point stays below it — until {@link #release()} completes it or its partition goes away, which abandons it and runs
 * the {@link #whenReturned} actions (not on a crash: a killed process runs nothing). All transitions are CAS on one
 * state, so a release racing with the end of the turn or with a revocation settles the work exactly once.
 */
final class Work implements Acknowledgement {

    private static final int PENDING = 0;
    private static final int COMPLETED = 1;
    private static final int ABANDONED = 2;
    /** Its turn ended normally but it is held: unsettled, not in flight, not live for the lanes. */
    private static final int HELD = 3;

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
    /** Whether the consumer asked to hold this work past its turn. */
    private volatile boolean holdRequested;
    /** Whether the consumer released its hold. */
    private volatile boolean released;
    /** {@link #whenReturned} actions not yet run; guarded by {@code this}, {@code null} until the first. */
    private List<Runnable> returnActions;

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
        int s = state;
        return s == COMPLETED || s == ABANDONED;
    }

    /** Whether its turn is over: settled, or held past its turn. */
    boolean isTurnOver() {
        return state != PENDING;
    }

    /** Whether the work is held past its turn (unsettled, waiting for {@link #release()}). */
    boolean isHeld() {
        return state == HELD;
    }

    /** Whether this work should still be handled: not settled and its partition still ours. */
    boolean isLive() {
        return state == PENDING && !partition.isRevoked();
    }

    /** Marks the work handled; returns {@code false} if it had already been abandoned. */
    boolean complete() {
        return settle(COMPLETED);
    }

    /**
     * The handler's stage completed normally: completes the work, or, if the consumer holds it, ends only its turn
     * (see the class comment). Returns {@code false} if the work had been abandoned already.
     */
    boolean endTurn() {
        if (!holdRequested) {
            return settle(COMPLETED);
        }
        if (!STATE.compareAndSet(this, PENDING, HELD)) {
            return false;
        }
        partition.held().incrementAndGet();
        inFlight.decrementAndGet();
        partition.signal();
        if (released) { // released while its stage ran (or right now): nothing to hold
            settle(COMPLETED);
        }
        return true;
    }

    /** A failed attempt: a hold asked for during it no longer applies; the redelivery starts afresh. */
    void attemptFailed() {
        holdRequested = false;
        released = false;
        synchronized (this) {
            returnActions = null;
        }
    }

    /** Gives the work up unacknowledged (its partition moved away or the consumer stopped); a holder is told. */
    void abandon() {
        abandon(true);
    }

    /**
     * Gives the work up unacknowledged; {@code tellHolder} runs the {@link #whenReturned} actions of a held work
     * (false on a crash: a killed process runs nothing).
     */
    void abandon(boolean tellHolder) {
        if (settle(ABANDONED)) {
            Runnable hook = onAbandon;
            if (hook != null) {
                hook.run();
            }
            if (tellHolder && holdRequested) {
                runReturnActions();
            }
        }
    }

    @Override
    public Acknowledgement hold() {
        holdRequested = true;
        return this;
    }

    @Override
    public void release() {
        released = true;
        if (state == HELD) {
            settle(COMPLETED);
        }
    }

    @Override
    public void whenReturned(Runnable action) {
        java.util.Objects.requireNonNull(action, "action");
        synchronized (this) {
            if (returnActions == null) {
                returnActions = new ArrayList<>(1);
            }
            returnActions.add(action);
        }
        if (state == ABANDONED) {
            runReturnActions();
        }
    }

    private void runReturnActions() {
        List<Runnable> actions;
        synchronized (this) {
            actions = returnActions;
            returnActions = null;
        }
        if (actions != null) {
            for (Runnable action : actions) {
                action.run();
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
            partition.signal();
            return true;
        }
        if (STATE.compareAndSet(this, HELD, outcome)) {
            partition.held().decrementAndGet();
            partition.signal();
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
