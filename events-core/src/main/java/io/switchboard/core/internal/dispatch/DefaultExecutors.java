package io.switchboard.core.internal.dispatch;

import io.switchboard.core.time.Schedulers;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The executor the runtime and the in-memory bus use when none is given: one virtual thread per task when the JVM
 * has them (21+), else a bounded pool of daemon platform threads. Looked up through a method handle so the code
 * compiles and runs on Java 17.
 */
public final class DefaultExecutors {

    private static final MethodHandle VIRTUAL_PER_TASK = findVirtualPerTask();

    private DefaultExecutors() {
    }

    /** Whether this JVM offers virtual threads. */
    public static boolean virtualThreadsAvailable() {
        return VIRTUAL_PER_TASK != null;
    }

    /**
     * A new executor the caller owns and shuts down: virtual threads when available, otherwise
     * {@code max(2, processors)} daemon threads named {@code name-N} that time out when idle.
     */
    public static ExecutorService create(String name) {
        if (VIRTUAL_PER_TASK != null) {
            try {
                return (ExecutorService) VIRTUAL_PER_TASK.invoke();
            } catch (Throwable e) {
                // fall through to platform threads: a JVM that has the method but refuses it is still usable
            }
        }
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), Schedulers.daemonThreads(name));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static MethodHandle findVirtualPerTask() {
        try {
            return MethodHandles.publicLookup().findStatic(java.util.concurrent.Executors.class,
                    "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }
}
