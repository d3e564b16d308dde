package io.switchboard.core.bus;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Acknowledgement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link Acknowledgement} of one delivery by the in-memory bus, handed only to consumers that override
 * {@code BusConsumer.deliver(event, acknowledgement)} (others cost no allocation).
 *
 * <p>Design note. A small state machine guarded by {@code this}: {@code IN_TURN} until the delivery's stage completes;
 * then {@code DONE} (acknowledged, or failed and redelivered by the partition as usual), or {@code HELD} when the
 * consumer called {@link #hold()} and not yet {@link #release()}. A held event sits in its partition's held set,
 * which does not block the partition; it leaves it by {@link #release()} ({@code DONE}) or when its partition's
 * member changes ({@code RETURNED}: the {@link #whenReturned} actions run and the event is queued again, ahead of the
 * partition's buffered events, for the partition's new member).
 */
final class HeldAcknowledgement implements Acknowledgement {

    private static final Logger log = LoggerFactory.getLogger(HeldAcknowledgement.class);

    private enum State { IN_TURN, HELD, DONE, RETURNED }

    final Partition partition;
    final Member member;
    final CloudEvent event;
    private State state = State.IN_TURN;
    private boolean holdRequested;
    private boolean released;
    private List<Runnable> onReturn;

    HeldAcknowledgement(Partition partition, Member member, CloudEvent event) {
        this.partition = partition;
        this.member = member;
        this.event = event;
    }

    @Override
    public Acknowledgement hold() {
        synchronized (this) {
            if (state == State.IN_TURN) {
                holdRequested = true;
            }
        }
        return this;
    }

    @Override
    public void release() {
        synchronized (this) {
            released = true;
            if (state != State.HELD) {
                return; // still in its turn (acknowledged when the stage completes), or already settled
            }
            state = State.DONE;
        }
        partition.releaseHeld(this);
    }

    @Override
    public void whenReturned(Runnable action) {
        synchronized (this) {
            if (state != State.RETURNED) {
                if (onReturn == null) {
                    onReturn = new ArrayList<>(1);
                }
                onReturn.add(action);
                return;
            }
        }
        run(action);
    }

    /**
     * The delivery's stage completed. Returns whether the event is now held (the partition keeps it in its held set);
     * {@code false}: acknowledged ({@code succeeded}) or left to the partition's redelivery (failed).
     */
    boolean turnEnded(boolean succeeded) {
        synchronized (this) {
            if (state != State.IN_TURN) {
                return false;
            }
            if (succeeded && holdRequested && !released) {
                state = State.HELD;
                return true;
            }
            state = State.DONE;
            return false;
        }
    }

    /**
     * The partition took the event back: its member changed while the event was held, or left while the event was in
     * its turn (the consumer may already keep it). Returns whether it was still held or in its turn.
     */
    boolean takeBack() {
        List<Runnable> actions;
        synchronized (this) {
            if (state != State.HELD && state != State.IN_TURN) {
                return false;
            }
            state = State.RETURNED;
            actions = onReturn;
            onReturn = null;
        }
        if (actions != null) {
            actions.forEach(HeldAcknowledgement::run);
        }
        return true;
    }

    private static void run(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.warn("a whenReturned action of a held event failed", e);
        }
    }
}
