package io.switchboard.redis;

import io.switchboard.api.Acknowledgement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One stream entry read by a subscription, from the moment it is read until it is acknowledged ({@code XACK}) or
 * given up with its shard. It is also the {@link Acknowledgement} handed to the consumer.
 *
 * <p>States: {@code PENDING} (its turn: queued, being handled or waiting for a retry), {@code HELD} (turn over, kept
 * unacknowledged by the consumer), {@code ACKED}, {@code ABANDONED} (its shard moved away or the subscription
 * stopped: the entry stays pending in Redis and the next owner of the shard claims it). Exactly one transition out of
 * {@code PENDING}/{@code HELD} wins, and the winner releases the in-flight permit.
 */
final class Entry implements Acknowledgement {

    static final int PENDING = 0;
    static final int HELD = 1;
    static final int ACKED = 2;
    static final int ABANDONED = 3;

    private static final AtomicIntegerFieldUpdater<Entry> STATE = AtomicIntegerFieldUpdater.newUpdater(Entry.class, "state");

    final Shard shard;
    final String id;
    final Map<String, byte[]> fields;
    /** Entries with equal lane keys are handled one at a time, in stream order. */
    final String laneKey;
    private volatile int state = PENDING;
    /** Set by {@link #hold()} during the turn; read when the turn ends. */
    private volatile boolean holdRequested;
    private volatile boolean released;
    private List<Runnable> whenReturned; // guarded by this

    /** What the handler decoded on a first attempt, kept for retries (a CloudEvent, or a poison description). */
    Object decoded;
    /** Failed attempts so far; touched only by the lane running this entry. */
    int failures;
    /** Run once if the entry is abandoned while a lane waits for its stage, so the lane can move on. */
    private volatile Runnable onAbandon;

    Entry(Shard shard, String id, Map<String, byte[]> fields, String laneKey) {
        this.shard = shard;
        this.id = id;
        this.fields = fields;
        this.laneKey = laneKey;
    }

    /** Whether this entry should still be handled: its turn is not over and its shard still ours. */
    boolean isLive() {
        return state == PENDING && shard.isOwned();
    }

    int state() {
        return state;
    }

    /** A new attempt starts: a hold from a failed earlier attempt does not carry over. */
    void beginTurn() {
        holdRequested = false;
    }

    /** The consumer's stage completed normally: acknowledge, unless the consumer holds the entry. */
    void turnCompleted() {
        if (holdRequested && !released) {
            if (STATE.compareAndSet(this, PENDING, HELD)) {
                if (released && STATE.compareAndSet(this, HELD, ACKED)) { // release() raced with the hold
                    shard.acknowledged(this);
                }
            }
            return;
        }
        if (STATE.compareAndSet(this, PENDING, ACKED)) {
            shard.acknowledged(this);
        }
    }

    /** Gives the entry up unacknowledged; runs the consumer's {@code whenReturned} actions if it was held. */
    void abandon() {
        int s = state;
        while (s == PENDING || s == HELD) {
            if (STATE.compareAndSet(this, s, ABANDONED)) {
                shard.abandoned(this);
                if (s == HELD || holdRequested) {
                    runReturned();
                }
                Runnable hook = onAbandon;
                if (hook != null) {
                    hook.run();
                }
                return;
            }
            s = state;
        }
    }

    /** Registers what to do if this entry is abandoned while its handler's stage is still pending. */
    void onAbandon(Runnable hook) {
        this.onAbandon = hook;
        if (state == ABANDONED) {
            hook.run(); // abandoned before the hook was in place; the hook tolerates running twice
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
        if (STATE.compareAndSet(this, HELD, ACKED)) {
            shard.acknowledged(this);
        }
    }

    @Override
    public void whenReturned(Runnable action) {
        boolean runNow;
        synchronized (this) {
            runNow = state == ABANDONED;
            if (!runNow) {
                if (whenReturned == null) {
                    whenReturned = new ArrayList<>(1);
                }
                whenReturned.add(action);
            }
        }
        if (runNow) {
            action.run();
        }
    }

    private void runReturned() {
        List<Runnable> actions;
        synchronized (this) {
            actions = whenReturned;
            whenReturned = null;
        }
        if (actions != null) {
            for (Runnable action : actions) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(Entry.class).warn("a whenReturned action of entry {} failed", id, e);
                }
            }
        }
    }

    /** {@code stream@id}, for log lines. */
    String describe() {
        return shard.stream + "@" + id;
    }
}
