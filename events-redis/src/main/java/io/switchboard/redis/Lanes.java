package io.switchboard.redis;

import io.switchboard.api.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs entries in parallel across keys and in order within a key. Each entry goes to the lane its shard and key hash
 * to (entries without a key are spread by id); a lane runs one entry at a time, in arrival order, so entries of one
 * key never overtake each other, while different lanes proceed concurrently on the executor.
 *
 * <p>A lane is a small actor: a lock-free queue plus an "active" flag; whoever sets the flag schedules the drain. A
 * failed handler keeps the lane on that entry and retries it after an exponential backoff on the {@link Scheduler} —
 * later entries of the lane wait, so per-key order survives redelivery, and nothing is skipped. An entry whose shard
 * moved away is dropped (the shard's next owner redelivers it).
 */
final class Lanes {

    /** What a subscription does with one entry; the stage's normal completion ends its turn. */
    @FunctionalInterface
    interface Handler {
        CompletionStage<Void> handle(Entry entry) throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(Lanes.class);

    private final Lane[] lanes;
    private final Executor executor;
    private final Scheduler scheduler;
    private final Handler handler;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final String owner;
    private volatile boolean stopped;
    private final boolean[] touched; // poll thread only
    private final int[] touchedLanes;
    private int touchedCount;

    Lanes(int count, Executor executor, Scheduler scheduler, Handler handler, Duration initialBackoff,
          Duration maxBackoff, String owner) {
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

    /** Queues an entry without waking its lane; {@link #flush()} wakes every lane that got work. Poll thread only. */
    void enqueue(Entry entry) {
        int lane = laneOf(entry);
        lanes[lane].queue.add(entry);
        if (!touched[lane]) {
            touched[lane] = true;
            touchedLanes[touchedCount++] = lane;
        }
    }

    /** Wakes the lanes that got entries from {@link #enqueue} since the last flush. Poll thread only. */
    void flush() {
        for (int i = 0; i < touchedCount; i++) {
            int lane = touchedLanes[i];
            touched[lane] = false;
            lanes[lane].activate();
        }
        touchedCount = 0;
    }

    /** No entry starts after this; handlers already running finish on their own. */
    void stop() {
        stopped = true;
    }

    /** How many handler invocations are under way right now. */
    int running() {
        int running = 0;
        for (Lane lane : lanes) {
            if (lane.handling) {
                running++;
            }
        }
        return running;
    }

    private int laneOf(Entry entry) {
        int hash = (entry.laneKey != null ? entry.laneKey.hashCode() : entry.id.hashCode()) * 31 + entry.shard.index;
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
        private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean active = new AtomicBoolean();
        private Entry current; // only the thread holding 'active' touches it
        private final AtomicReference<Entry> waiting = new AtomicReference<>();
        /** The stage of {@link #current} that completed while the lane waited; settled by the lane's next run. */
        private volatile CompletableFuture<Void> finished;
        private volatile boolean handling;

        void activate() {
            if (!active.get() && active.compareAndSet(false, true)) {
                submit();
            }
        }

        private void submit() {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                active.set(false); // only after stop(): the entry stays pending and is redelivered by the next owner
            }
        }

        @Override
        public void run() {
            CompletableFuture<Void> done = finished;
            if (done != null) {
                finished = null;
                if (!settle(done)) {
                    return; // a retry is scheduled and will resume this lane
                }
            }
            while (true) {
                if (current == null) {
                    current = queue.poll();
                }
                if (current == null) {
                    active.set(false);
                    if (queue.isEmpty() || !active.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                if (stopped || !current.isLive()) {
                    current = null; // abandoned with its shard: the next owner redelivers it
                    continue;
                }
                CompletableFuture<Void> outcome = start(current);
                if (outcome.isDone()) {
                    if (!settle(outcome)) {
                        return; // a retry is scheduled and will resume this lane
                    }
                    continue;
                }
                Entry waitingFor = current;
                waiting.set(waitingFor);
                // settled on the lane's thread, not the one completing the stage: the consumer's own reactions to
                // its stage (registered before ours, so run after ours) come first, the acknowledgement after them
                outcome.whenComplete((ignored, error) -> {
                    if (waiting.compareAndSet(waitingFor, null)) {
                        finished = outcome;
                        submit();
                    }
                });
                waitingFor.onAbandon(() -> {
                    if (waiting.compareAndSet(waitingFor, null)) {
                        handling = false;
                        current = null;
                        submit();
                    }
                });
                return;
            }
        }

        private CompletableFuture<Void> start(Entry entry) {
            handling = true;
            try {
                CompletionStage<Void> stage = handler.handle(entry);
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
            handling = false;
            Entry entry = current;
            if (!outcome.isCompletedExceptionally()) {
                entry.turnCompleted();
                current = null;
                return true;
            }
            if (stopped || !entry.isLive()) {
                current = null;
                return true;
            }
            entry.failures++;
            Duration delay = backoff(entry.failures);
            Throwable error = outcome.handle((v, e) -> e).join();
            log.warn("{}: handling {} failed (attempt {}); retrying in {} ms: {}", owner, entry.describe(),
                    entry.failures, delay.toMillis(), String.valueOf(unwrap(error)));
            try {
                scheduler.schedule(delay, this::submit);
            } catch (RejectedExecutionException closing) {
                current = null; // the scheduler stopped with the bus: the entry stays pending in Redis
                active.set(false);
            }
            return false;
        }
    }

    static Throwable unwrap(Throwable error) {
        while ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }
}
