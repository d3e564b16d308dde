package io.switchboard.core.time;

import io.switchboard.api.Scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Factories for {@link Scheduler}s. */
public final class Schedulers {

    private Schedulers() {
    }

    /**
     * A scheduler on the system UTC clock backed by {@code executor}. The caller owns the executor and shuts it
     * down. Tasks run on the executor's threads.
     */
    public static Scheduler system(ScheduledExecutorService executor) {
        return new ExecutorScheduler(Clock.systemUTC(), executor);
    }

    /**
     * A scheduler on the system UTC clock with its own single daemon thread named {@code name}. Closing is not needed:
     * the thread is a daemon and idle when nothing is scheduled.
     */
    public static Scheduler system(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, daemonThreads(name));
        executor.setRemoveOnCancelPolicy(true);
        return system(executor);
    }

    /** A thread factory for named daemon threads ({@code name-1}, {@code name-2}, …). */
    public static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicInteger counter = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private record ExecutorScheduler(InstantSource clock, ScheduledExecutorService executor) implements Scheduler {
        @Override
        public Cancellable schedule(Duration delay, Runnable task) {
            long nanos = Math.max(0, delay.toNanos());
            var future = executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        }
    }
}
