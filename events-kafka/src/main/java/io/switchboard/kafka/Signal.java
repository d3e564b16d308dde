package io.switchboard.kafka;

import java.util.function.BooleanSupplier;

/**
 * Wakes a thread that waits for a condition other threads change, without polling: the poll thread waiting for
 * in-flight work at a revocation or close, or backing off after a failed poll until close.
 *
 * <p>Design note: {@link #signal()} is on the hot path (every settled work), so it costs one volatile read while
 * nobody waits. A waiter announces itself in {@code waiters} before it checks the condition; a changer changes the
 * state (volatile) before it reads {@code waiters}. Of two such threads at least one sees the other's write, so
 * either the waiter sees the new state or the changer sees the waiter and notifies under the monitor.
 */
final class Signal {

    private volatile int waiters;

    /** Wakes every waiter; cheap when there is none. */
    void signal() {
        if (waiters > 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * Waits until {@code condition} holds or the deadline ({@link System#nanoTime()}) passes.
     *
     * @return whether the condition holds
     */
    boolean await(BooleanSupplier condition, long deadlineNanos) {
        if (condition.getAsBoolean()) {
            return true;
        }
        synchronized (this) {
            waiters++;
            try {
                while (!condition.getAsBoolean()) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    wait(Math.max(1, left / 1_000_000));
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return condition.getAsBoolean();
            } finally {
                waiters--;
            }
        }
    }
}
