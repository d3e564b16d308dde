package io.switchboard.kafka;

import io.switchboard.api.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs work in parallel across keys and in order within a key. Each piece of work goes to the lane its key hashes
 * to (work without a key is spread by offset); a lane runs one piece at a time, in arrival order, so events of one
 * key never overtake each other, while different lanes proceed concurrently on the executor.
 *
 * <p>A lane is a small actor: a lock-free queue plus an "active" flag; whoever sets the flag schedules the drain.
 * Handlers that complete synchronously are drained in a loop without a hand-off per item. A failed handler keeps
 * the lane on that work and retries it after an exponential backoff on the {@link Scheduler} — later work of the
 * lane waits, so per-key order survives redelivery, and nothing is ever skipped.
 */
final class Lanes {

    private static final Logger log = LoggerFactory.getLogger(Lanes.class);

    private final Lane[] lanes;
    private final Executor executor;
    private final Scheduler scheduler;
    private final WorkHandler handler;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final String owner;
    private final Signal idle;
    private volatile boolean stopped;
    /** Lanes that got work since the last {@link #flush()}; confined to the enqueuing (poll) thread. */
    private final boolean[] touched;
    private final int[] touchedLanes;
    private int touchedCount;

    Lanes(int count, Executor executor, Scheduler scheduler, WorkHandler handler, Duration initialBackoff,
          Duration maxBackoff, String owner) {
        this(count, executor, scheduler, handler, initialBackoff, maxBackoff, owner, new Signal());
    }

    /** @param idle signalled whenever a handler of a lane finishes, for {@link #running()} waiters */
    Lanes(int count, Executor executor, Scheduler scheduler, WorkHandler handler, Duration initialBackoff,
          Duration maxBackoff, String owner, Signal idle) {
        this.idle = idle;
        this.lanes = new Lane[count];
        this.touched = new boolean[count];
        this.touchedLanes = new int[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = new Lane();
        }
        this.executor = executor;
        this.scheduler = scheduler;
        this.handler = handler;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.owner = owner;
    }

    void dispatch(Work work) {
        lanes[laneOf(work)].offer(work);
    }

    /**
     * Queues work on its lane without waking the lane; {@link #flush()} wakes every lane that got work. The poll
     * thread hands over a whole poll this way, so a lane is scheduled at most once per poll instead of once per
     * record (a lane that drained its queue between two records would otherwise cost an executor hand-off each).
     * Only one thread (the poll thread) may call this and {@link #flush()}.
     */
    void enqueue(Work work) {
        int lane = laneOf(work);
        lanes[lane].queue.add(work);
        if (!touched[lane]) {
            touched[lane] = true;
            touchedLanes[touchedCount++] = lane;
        }
    }

    /** Wakes the lanes that got work from {@link #enqueue} since the last flush. */
    void flush() {
        for (int i = 0; i < touchedCount; i++) {
            int lane = touchedLanes[i];
            touched[lane] = false;
            lanes[lane].activate();
        }
        touchedCount = 0;
    }

    /**
     * No work starts after this; work already running finishes on its own. A lane marks itself handling before it
     * checks this flag, so once this returned, {@link #running()} counts every handler that may still start.
     */
    void stop() {
        stopped = true;
    }

    boolean isStopped() {
        return stopped;
    }

    /** How many handler invocations are under way right now (not counting work waiting for a retry). */
    int running() {
        int running = 0;
        for (Lane lane : lanes) {
            if (lane.handling) {
                running++;
            }
        }
        return running;
    }

    private int laneOf(Work work) {
        int hash = work.laneKey != null
                ? Arrays.hashCode(work.laneKey) * 31 + work.topicPartition().hashCode()
                : Long.hashCode(work.firstOffset()) * 31 + work.topicPartition().partition();
        hash ^= hash >>> 16;
        return Math.floorMod(hash, lanes.length);
    }

    Duration backoff(int failures) {
        long millis = initialBackoff.toMillis();
        for (int i = 1; i < failures && millis < maxBackoff.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }

    private final class Lane implements Runnable {
        private final ConcurrentLinkedQueue<Work> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean active = new AtomicBoolean();
        /** The work this lane is on; only the thread that holds {@link #active} touches it. */
        private Work current;
        /** The work whose pending stage the lane waits for; whoever clears it (completion or abandonment) resumes. */
        private final java.util.concurrent.atomic.AtomicReference<Work> waiting = new java.util.concurrent.atomic.AtomicReference<>();
        /** Whether a handler of this lane is under way (a per-lane flag, so the hot path shares no counter). */
        private volatile boolean handling;

        void offer(Work work) {
            queue.add(work);
            activate();
        }

        /**
         * Schedules a drain unless one is under way. A drain that is about to give up the flag re-checks the queue
         * after clearing it, so work queued without activation is never stranded.
         */
        void activate() {
            if (!active.get() && active.compareAndSet(false, true)) {
                submit();
            }
        }

        private void submit() {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                // only after stop(): the work stays unsettled and is redelivered by the next owner
                active.set(false);
            }
        }

        @Override
        public void run() {
            while (true) {
                if (current == null) {
                    current = queue.poll();
                }
                if (current == null) {
                    active.set(false);
                    // an offer may have raced with giving up the flag
                    if (queue.isEmpty() || !active.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                handling = true; // before reading 'stopped': a closer that saw no handler also stops this one
                if (stopped || !current.isLive()) {
                    current = null; // abandoned with its partition: the next owner redelivers it
                    idle();
                    continue;
                }
                CompletableFuture<Void> outcome = start(current);
                if (outcome.isDone()) {
                    if (!settle(outcome)) {
                        return; // a retry is scheduled and will resume this lane
                    }
                    continue;
                }
                // the lane stays active (owned by this work) until the stage completes, or until the work is
                // abandoned with its partition: then the lane moves on and the stage's late result is ignored
                Work waitingFor = current;
                waiting.set(waitingFor);
                outcome.whenComplete((ignored, error) -> {
                    if (waiting.compareAndSet(waitingFor, null) && settle(outcome)) {
                        submit();
                    }
                });
                waitingFor.onAbandon(() -> {
                    if (waiting.compareAndSet(waitingFor, null)) {
                        current = null;
                        idle();
                        submit();
                    }
                });
                return;
            }
        }

        private void idle() {
            handling = false;
            idle.signal();
        }

        private CompletableFuture<Void> start(Work work) {
            try {
                CompletionStage<Void> stage = handler.handle(work);
                if (stage == null) {
                    return CompletableFuture.failedFuture(new IllegalStateException(
                            "the consumer returned a null stage; return a completed stage to acknowledge"));
                }
                return stage.toCompletableFuture();
            } catch (Throwable e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        /** Returns true if the lane may move on; false if a retry was scheduled. */
        private boolean settle(CompletableFuture<Void> outcome) {
            Work work = current;
            if (!outcome.isCompletedExceptionally()) {
                work.endTurn(); // completes it, or, if held, ends its turn: the key's next work may start
                current = null;
                idle();
                return true;
            }
            idle();
            if (stopped || !work.isLive()) {
                current = null;
                return true;
            }
            work.attemptFailed();
            work.failures++;
            Duration delay = backoff(work.failures);
            Throwable error = outcome.handle((v, e) -> e).join();
            log.warn("{}: handling {} failed (attempt {}); retrying in {} ms: {}", owner, work.describe(), work.failures,
                    delay.toMillis(), String.valueOf(unwrap(error)));
            try {
                scheduler.schedule(delay, this::submit);
            } catch (RejectedExecutionException closing) {
                // the scheduler is shut down with the bus: the work stays unsettled and is redelivered later
                current = null;
                active.set(false);
            }
            return false;
        }
    }

    static Throwable unwrap(Throwable error) {
        while ((error instanceof java.util.concurrent.CompletionException
                || error instanceof java.util.concurrent.ExecutionException) && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }
}
