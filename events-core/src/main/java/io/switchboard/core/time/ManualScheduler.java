package io.switchboard.core.time;

import io.switchboard.api.Scheduler;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} whose time moves only when told to: {@link #advance(Duration)} moves the clock forward
 * and runs every task that falls due, in due-time order, each with the clock set to its due time. For tests
 * and simulations: windows, backoffs, rate limits, batches and cron ticks become deterministic.
 *
 * <p>Thread-safe: tasks may be scheduled from any thread. Due tasks run on the thread that calls
 * {@code advance}/{@code runDue}; a task scheduled with no delay by a running task runs in the same call.
 */
public final class ManualScheduler implements Scheduler {

    private final Object lock = new Object();
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long sequence;
    private volatile Instant now;

    /** A manual scheduler whose clock starts at {@code start}. */
    public ManualScheduler(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    /** A manual scheduler whose clock starts at 2026-01-01T00:00:00Z. */
    public ManualScheduler() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Override
    public InstantSource clock() {
        return () -> now;
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(task, "task");
        synchronized (lock) {
            Instant due = delay.isNegative() ? now : now.plus(delay);
            Task t = new Task(due, sequence++, task);
            tasks.add(t);
            return () -> {
                synchronized (lock) {
                    return tasks.remove(t);
                }
            };
        }
    }

    /** Moves the clock forward by {@code amount}, running every task due up to the new time. */
    public void advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("time only moves forward; got " + amount);
        }
        advanceTo(now.plus(amount));
    }

    /** Moves the clock to {@code target} (not before now), running every task due up to it. */
    public void advanceTo(Instant target) {
        Objects.requireNonNull(target, "target");
        if (target.isBefore(now)) {
            throw new IllegalArgumentException("time only moves forward; " + target + " is before " + now);
        }
        while (true) {
            Task next;
            synchronized (lock) {
                next = tasks.peek();
                if (next == null || next.due.isAfter(target)) {
                    now = target;
                    return;
                }
                tasks.poll();
                if (next.due.isAfter(now)) {
                    now = next.due;
                }
            }
            next.action.run();
        }
    }

    /** Runs the tasks that are due now without moving the clock. */
    public void runDue() {
        advanceTo(now);
    }

    /** Sets the clock to an arbitrary instant without running anything: simulates a wall-clock jump. */
    public void jumpTo(Instant instant) {
        this.now = Objects.requireNonNull(instant, "instant");
    }

    /** How many tasks are waiting. */
    public int pendingTasks() {
        synchronized (lock) {
            return tasks.size();
        }
    }

    /** The due times of the waiting tasks, earliest first. */
    public List<Instant> pendingDueTimes() {
        synchronized (lock) {
            List<Task> copy = new ArrayList<>(tasks);
            copy.sort(null);
            return copy.stream().map(t -> t.due).toList();
        }
    }

    private record Task(Instant due, long seq, Runnable action) implements Comparable<Task> {
        @Override
        public int compareTo(Task o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
