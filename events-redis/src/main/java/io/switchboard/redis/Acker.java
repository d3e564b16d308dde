package io.switchboard.redis;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.switchboard.api.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends {@code XACK}s for entries whose turn completed, batched: one batch in flight at a time, and everything that
 * completed meanwhile goes in the next one (one {@code XACK} per stream with many ids). Under load that is one round
 * trip for hundreds of entries; idle, an entry is acknowledged at once. A failed {@code XACK} is retried after a
 * second: the entry stays pending in Redis until then, which can only cause a redelivery, never a loss.
 */
final class Acker {

    private static final Logger log = LoggerFactory.getLogger(Acker.class);
    private static final int MAX_BATCH = 5_000;

    private final RedisAsyncCommands<String, byte[]> redis;
    private final String group;
    private final Scheduler scheduler;
    private final String owner;
    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean busy = new AtomicBoolean();
    /** Threads in {@link #awaitIdle}; a batch that leaves the acker idle wakes them only when there are any. */
    private final AtomicInteger idleWaiters = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean stopped;

    Acker(RedisAsyncCommands<String, byte[]> redis, String group, Scheduler scheduler, String owner) {
        this.redis = redis;
        this.group = group;
        this.scheduler = scheduler;
        this.owner = owner;
    }

    void enqueue(Entry entry) {
        if (stopped) {
            return;
        }
        queue.add(entry);
        if (busy.compareAndSet(false, true)) {
            send();
        }
    }

    /** Waits (bounded) until every queued acknowledgement was answered; woken by the last answer, not by polling. */
    void awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        idleWaiters.incrementAndGet(); // before the first look: a batch finishing after it will signal
        try {
            synchronized (idle) {
                while ((busy.get() || !queue.isEmpty()) && !stopped) {
                    long wait = deadline - System.nanoTime();
                    if (wait <= 0) {
                        return;
                    }
                    TimeUnit.NANOSECONDS.timedWait(idle, wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            idleWaiters.decrementAndGet();
        }
    }

    /** Wakes {@link #awaitIdle} waiters after the acker went idle or stopped; without waiters, one volatile read. */
    private void signalIdle() {
        if (idleWaiters.get() > 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /** Sends nothing more (a crash, or after the final flush). */
    void stop() {
        stopped = true;
        queue.clear();
        signalIdle();
    }

    private void send() {
        Map<String, List<Entry>> byStream = new HashMap<>();
        int n = 0;
        Entry entry;
        while (n < MAX_BATCH && (entry = queue.poll()) != null) {
            byStream.computeIfAbsent(entry.shard.stream, s -> new ArrayList<>()).add(entry);
            n++;
        }
        if (n == 0 || stopped) {
            busy.set(false);
            if (!queue.isEmpty() && !stopped && busy.compareAndSet(false, true)) {
                send();
            } else {
                signalIdle();
            }
            return;
        }
        List<CompletableFuture<Long>> sent = new ArrayList<>(byStream.size());
        List<List<Entry>> batches = new ArrayList<>(byStream.size());
        for (Map.Entry<String, List<Entry>> e : byStream.entrySet()) {
            List<Entry> entries = e.getValue();
            String[] ids = new String[entries.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = entries.get(i).id;
            }
            batches.add(entries);
            try {
                sent.add(redis.xack(e.getKey(), group, ids).toCompletableFuture());
            } catch (RuntimeException error) {
                sent.add(CompletableFuture.failedFuture(error));
            }
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            for (int i = 0; i < sent.size(); i++) {
                if (sent.get(i).isCompletedExceptionally()) {
                    retryLater(batches.get(i), sent.get(i));
                }
            }
            busy.set(false);
            if (!queue.isEmpty() && !stopped && busy.compareAndSet(false, true)) {
                send();
            } else {
                signalIdle();
            }
        });
    }

    private void retryLater(List<Entry> entries, CompletableFuture<Long> failed) {
        if (stopped) {
            return;
        }
        Throwable error = failed.handle((v, e) -> e).join();
        log.warn("{}: XACK of {} entries on {} failed ({}); retrying in 1 s (they stay pending meanwhile)", owner,
                entries.size(), entries.get(0).shard.stream, String.valueOf(Lanes.unwrap(error)));
        try {
            scheduler.schedule(Duration.ofSeconds(1), () -> entries.forEach(this::enqueue));
        } catch (RejectedExecutionException closing) {
            // the bus is closing: the entries stay pending and the shard's next owner redelivers them
        }
    }
}
