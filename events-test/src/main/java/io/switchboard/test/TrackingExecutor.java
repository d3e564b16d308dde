package io.switchboard.test;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor a harness gives its runtime and buses: daemon threads, plus a count of tasks submitted and not yet
 * finished. A task that submits another counts up before it counts itself down, so the count reaches zero only when
 * no work that runs through this executor is queued or running — the harness's notion of "idle". Thread-safe.
 */
final class TrackingExecutor implements Executor {

    private final ExecutorService pool;
    private final AtomicInteger unfinished = new AtomicInteger();

    TrackingExecutor(String threadName) {
        this.pool = Executors.newCachedThreadPool(io.switchboard.core.time.Schedulers.daemonThreads(threadName));
    }

    @Override
    public void execute(Runnable task) {
        unfinished.incrementAndGet();
        try {
            pool.execute(() -> {
                try {
                    task.run();
                } finally {
                    unfinished.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            unfinished.decrementAndGet();
            throw e;
        }
    }

    /** Tasks submitted and not finished. */
    int unfinished() {
        return unfinished.get();
    }

    /** Stops the threads; waits briefly for running tasks, then interrupts them. */
    void shutdown() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                pool.shutdownNow();
                pool.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
