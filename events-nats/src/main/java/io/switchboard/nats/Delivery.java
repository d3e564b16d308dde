package io.switchboard.nats;

import io.nats.client.Message;
import io.switchboard.api.Acknowledgement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One JetStream message from the moment a partition consumer fetched it until it is settled: acknowledged, NAK'd
 * for a delayed redelivery after its stage failed, or given back (NAK'd at once) when its partition leaves the member.
 * Also the {@link Acknowledgement} handed to the consumer: a held delivery stays unacknowledged after its turn.
 *
 * <p>Exactly one settlement wins (a compare-and-set on the state), so a late stage outcome after the partition moved
 * never acknowledges a message the next owner already has.
 */
final class Delivery implements Acknowledgement {

    static final int QUEUED = 0;
    static final int RUNNING = 1;
    static final int HELD = 2;
    static final int ACKED = 3;
    static final int FAILED = 4;
    static final int RETURNED = 5;

    final PartitionConsumer partition;
    final Message message;
    final long sequence;
    final long deliveries;
    /** Deliveries with equal lane hashes are handled one at a time, in sequence order. */
    final int laneHash;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private volatile boolean holdRequested;
    private volatile boolean releaseRequested;
    private final List<Runnable> returnedActions = new ArrayList<>(0);
    private volatile Runnable onAbandon;
    /** What the handler decoded on the first attempt (a CloudEvent or a poison description). */
    Object decoded;

    Delivery(PartitionConsumer partition, Message message, long sequence, long deliveries, int laneHash) {
        this.partition = partition;
        this.message = message;
        this.sequence = sequence;
        this.deliveries = deliveries;
        this.laneHash = laneHash;
    }

    int state() {
        return state.get();
    }

    /** Whether the message still needs keeping alive with in-progress acks. */
    boolean isOpen() {
        int s = state.get();
        return s == QUEUED || s == RUNNING || s == HELD;
    }

    /** The lane starts the consumer's turn; false if the delivery was given back meanwhile. */
    boolean startTurn() {
        // a partition that is leaving gives its queued messages back in order; none may start meanwhile, or a key's
        // later event could run here while its earlier one goes to the next owner
        return partition.accepting() && state.compareAndSet(QUEUED, RUNNING);
    }

    /** The consumer's stage completed normally: acknowledge, unless the consumer holds the event. */
    void turnSucceeded() {
        if (holdRequested && !releaseRequested) {
            if (state.compareAndSet(RUNNING, HELD) && releaseRequested) {
                release(); // released between the check and the transition
            }
            return;
        }
        if (state.compareAndSet(RUNNING, ACKED)) {
            message.ack();
            partition.settled(this);
        }
    }

    /** The stage failed: NAK with {@code delay}; returns false if the delivery was already given back. */
    boolean turnFailed(Duration delay) {
        if (!state.compareAndSet(RUNNING, FAILED)) {
            return false;
        }
        partition.awaitRedelivery(this);
        message.nakWithDelay(delay);
        return true;
    }

    /**
     * Gives the message back because its partition leaves this member: NAK'd at once (clean) so the next owner gets it
     * now, or left to its ack wait (crash). Runs the {@link #whenReturned} actions unless it is a crash.
     */
    boolean giveBack(boolean clean) {
        int s;
        do {
            s = state.get();
            if (s != QUEUED && s != RUNNING && s != HELD) {
                return false;
            }
        } while (!state.compareAndSet(s, RETURNED));
        if (clean) {
            message.nak();
            List<Runnable> actions;
            synchronized (returnedActions) {
                actions = List.copyOf(returnedActions);
                returnedActions.clear();
            }
            actions.forEach(Delivery::runQuietly);
        }
        Runnable hook = onAbandon;
        if (hook != null) {
            hook.run();
        }
        return true;
    }

    /** Keeps an open message from being redelivered under the ack wait. */
    void keepAlive() {
        if (isOpen()) {
            message.inProgress();
        }
    }

    /** What the lane does if the delivery is given back while it waits for the stage. */
    void onAbandon(Runnable hook) {
        this.onAbandon = hook;
        if (state.get() == RETURNED) {
            hook.run(); // given back before the hook was in place; the hook tolerates running twice
        }
    }

    @Override
    public Acknowledgement hold() {
        holdRequested = true;
        return this;
    }

    @Override
    public void release() {
        releaseRequested = true;
        if (state.compareAndSet(HELD, ACKED)) {
            message.ack();
            partition.settled(this);
        }
    }

    @Override
    public void whenReturned(Runnable action) {
        java.util.Objects.requireNonNull(action, "action");
        synchronized (returnedActions) {
            if (state.get() != RETURNED) {
                returnedActions.add(action);
                return;
            }
        }
        runQuietly(action);
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Delivery.class).warn("a whenReturned action failed", e);
        }
    }

    String describe() {
        return message.getSubject() + "#" + sequence;
    }
}
