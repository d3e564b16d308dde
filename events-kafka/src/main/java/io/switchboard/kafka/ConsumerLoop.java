package io.switchboard.kafka;

import io.switchboard.api.Scheduler;
import io.switchboard.core.time.Schedulers;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * At-least-once consumption of Kafka topics by one consumer-group member: the engine under both the bus
 * subscription and the source.
 *
 * <p>Design: one poll thread owns the {@link KafkaConsumer} (auto-commit off, raw bytes). Polled records become
 * {@link Work}, tracked per partition by {@link PartitionProgress} and handed to {@link Lanes} (ordered per key,
 * parallel across keys). After every poll the thread commits (asynchronously, one commit in flight at a time), per
 * partition, the offset up to which all work has settled. Back-pressure: when too much work is in flight, all
 * assigned partitions are paused until half of it drained. Held work (a consumer keeping an event past its turn, see
 * {@link Work}) is not in flight: it is counted per partition, and a partition holding
 * {@link Settings#maxHeldPerPartition()} events is paused alone until half of them were released — its commit point
 * cannot move past the oldest held event anyway, and the other partitions go on. On revocation the thread waits
 * (up to the revoke timeout, woken by a {@link Signal}, not polling) until every running turn of the partitions
 * ended, commits what settled and abandons the rest — held work included, whose holders are told — so the new owner
 * redelivers it; lost partitions are abandoned without a commit.
 */
final class ConsumerLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration PAUSED_POLL = Duration.ofMillis(5);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);

    /** Turns the records one poll returned for one partition into work. */
    @FunctionalInterface
    interface Planner {
        void plan(PartitionProgress partition, List<ConsumerRecord<byte[], byte[]>> records, AtomicInteger inFlight,
                  Consumer<Work> out);
    }

    /** One work per record, ordered by record key: the bus's planner, and the source's without batching. */
    static final Planner ONE_PER_RECORD = (partition, records, inFlight, out) -> {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            out.accept(new Work(partition, List.of(record), record.key(), inFlight));
        }
    };

    /** Held events per partition at which the partition pauses, unless configured. */
    static final int DEFAULT_MAX_HELD_PER_PARTITION = 10_000;
    /** First and longest wait before polling again after a failed poll. */
    private static final Duration FIRST_POLL_RETRY = Duration.ofMillis(100);
    private static final Duration LAST_POLL_RETRY = Duration.ofSeconds(5);
    /** How often the poll thread refreshes the lag and connection figures monitoring threads read. */
    private static final long SAMPLE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** Tuning shared by the bus and the source. */
    record Settings(int concurrency, int maxInFlight, Duration pollTimeout, Duration revokeTimeout,
                    Duration closeTimeout, Duration initialBackoff, Duration maxBackoff, Scheduler scheduler,
                    int maxHeldPerPartition) {

        /** Settings with the default bound on held events per partition. */
        Settings(int concurrency, int maxInFlight, Duration pollTimeout, Duration revokeTimeout,
                 Duration closeTimeout, Duration initialBackoff, Duration maxBackoff, Scheduler scheduler) {
            this(concurrency, maxInFlight, pollTimeout, revokeTimeout, closeTimeout, initialBackoff, maxBackoff,
                    scheduler, DEFAULT_MAX_HELD_PER_PARTITION);
        }
    }

    private final String name;
    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final Pattern pattern;
    private final Planner planner;
    private final Settings settings;
    private final ThreadPoolExecutor executor;
    private final Lanes lanes;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Signalled when work settles or ends its turn, when a handler finishes, and on stop. */
    private final Signal signal = new Signal();
    private final Set<TopicPartition> pausedForHeld = new HashSet<>(); // poll thread only
    /** The threads running this loop's handlers, so that a close from inside a handler does not wait for itself. */
    private final Set<Thread> workers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, PartitionProgress> assigned = new HashMap<>(); // poll thread only
    private final Thread pollThread;
    private volatile boolean running = true;
    private volatile boolean aborted;
    private boolean paused; // poll thread only
    private boolean commitInFlight; // poll thread only (commit callbacks run inside poll)
    private long nextSample = System.nanoTime(); // poll thread only
    /** Poll thread only: a member assigned no partition has no lag, one not assigned yet an unknown one. */
    private boolean everAssigned;
    /** Sampled on the poll thread (the consumer is not thread-safe): -1 while unknown. */
    private volatile long lag = -1;
    /** Sampled on the poll thread: whether the consumer holds a broker connection; true until first sampled. */
    private volatile boolean connected = true;

    ConsumerLoop(String name, Map<String, Object> consumerConfig, List<String> topics, Pattern pattern,
                 Planner planner, WorkHandler handler, Settings settings) {
        this(name, new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                topics, pattern, planner, handler, settings);
    }

    /** A loop around a given consumer (a {@code MockConsumer} in deterministic tests). */
    ConsumerLoop(String name, org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, List<String> topics,
                 Pattern pattern, Planner planner, WorkHandler handler, Settings settings) {
        this.name = name;
        this.topics = topics;
        this.pattern = pattern;
        this.planner = planner;
        this.settings = settings;
        this.consumer = consumer;
        this.executor = new ThreadPoolExecutor(settings.concurrency(), settings.concurrency(), 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), workerThreads(Schedulers.daemonThreads(name + "-worker")));
        this.executor.allowCoreThreadTimeOut(true);
        this.lanes = new Lanes(settings.concurrency(), executor, settings.scheduler(), handler,
                settings.initialBackoff(), settings.maxBackoff(), name, signal);
        this.pollThread = new Thread(this::run, name + "-poll");
        this.pollThread.setDaemon(true);
    }

    ConsumerLoop start() {
        pollThread.start();
        return this;
    }

    private java.util.concurrent.ThreadFactory workerThreads(java.util.concurrent.ThreadFactory factory) {
        return task -> {
            Thread[] self = new Thread[1];
            self[0] = factory.newThread(() -> {
                try {
                    task.run();
                } finally {
                    workers.remove(self[0]);
                }
            });
            workers.add(self[0]);
            return self[0];
        };
    }

    /** Work polled but not settled yet (held work not counted). */
    int inFlight() {
        return inFlight.get();
    }

    /**
     * Events of the assigned partitions not consumed yet (log-end offset minus the offset the loop commits next),
     * as last sampled by the poll thread (0 for a member assigned no partition), or -1 while unknown (not assigned
     * yet, no fetch answer yet for a partition, stopped).
     * Thread-safe, never blocks.
     */
    long lag() {
        return running ? lag : -1;
    }

    /** Whether the loop runs and its consumer held a broker connection when last sampled. Thread-safe. */
    boolean connected() {
        return running && connected && pollThread.isAlive();
    }

    /** Whether the poll thread ended. */
    boolean isStopped() {
        return !pollThread.isAlive();
    }

    /**
     * Stops gracefully: polling stops, the work already polled gets up to the close timeout to finish (so that the
     * commit covers it and the next owner does not deliver it again), settled offsets are committed, held work is
     * handed back (its holders told), and the member leaves its group so the rest rebalance at once.
     */
    @Override
    public void close() {
        stop(false);
    }

    /**
     * Stops the way a crash would: nothing more is committed and the member does not leave its group (the group
     * notices only when its session times out). For fault tests and for giving up after a failed close.
     */
    void abort() {
        stop(true);
    }

    private void stop(boolean abrupt) {
        if (abrupt) {
            aborted = true;
        }
        boolean fromHandler = workers.contains(Thread.currentThread());
        if (fromHandler) {
            // a handler closing its own subscription: nothing more starts, and it must not wait for the poll thread,
            // which waits for this very handler; the poll thread finishes the close once the handler returned
            lanes.stop();
        }
        running = false;
        signal.signal(); // a poll thread backing off after a failed poll, or draining, stops at once
        if (fromHandler) {
            consumer.wakeup();
        } else if (Thread.currentThread() != pollThread) {
            consumer.wakeup();
            try {
                pollThread.join(settings.closeTimeout().plus(COMMIT_TIMEOUT).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (pollThread.isAlive()) {
                log.warn("{}: the poll thread did not stop in time; it is a daemon and will end with the JVM", name);
            }
        }
    }

    private void run() {
        try {
            Listener listener = new Listener();
            if (pattern != null) {
                consumer.subscribe(pattern, listener);
            } else {
                consumer.subscribe(topics, listener);
            }
            List<Work> planned = new ArrayList<>();
            Duration pollRetry = FIRST_POLL_RETRY;
            while (running) {
                applyBackPressure();
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(paused ? PAUSED_POLL : settings.pollTimeout());
                } catch (WakeupException e) {
                    continue;
                } catch (KafkaException e) {
                    if (!running) {
                        break;
                    }
                    log.error("{}: polling failed; retrying in {} ms", name, pollRetry.toMillis(), e);
                    signal.await(() -> !running, System.nanoTime() + pollRetry.toNanos()); // close cuts it short
                    pollRetry = pollRetry.multipliedBy(2).compareTo(LAST_POLL_RETRY) > 0 ? LAST_POLL_RETRY
                            : pollRetry.multipliedBy(2);
                    continue;
                }
                pollRetry = FIRST_POLL_RETRY;
                for (TopicPartition tp : records.partitions()) {
                    PartitionProgress progress = assigned.get(tp);
                    if (progress == null) {
                        continue; // cannot happen: poll only returns records of assigned partitions
                    }
                    planned.clear();
                    planner.plan(progress, records.records(tp), inFlight, planned::add);
                    inFlight.addAndGet(planned.size()); // once per partition and poll: the counter is shared with the lanes
                    for (Work work : planned) {
                        progress.track(work);
                        lanes.enqueue(work);
                    }
                }
                lanes.flush(); // one wake-up per lane and poll, not one per record
                sample();
                try {
                    commit(false);
                } catch (KafkaException e) {
                    log.debug("{}: commit failed ({}); the next one covers it", name, e.toString());
                }
            }
        } catch (RuntimeException | Error e) {
            log.error("{}: the consumer stopped on an unexpected error; unsettled events will be redelivered", name, e);
            aborted = true;
        } finally {
            shutdown();
        }
    }

    /**
     * Refreshes {@link #lag()} and {@link #connected()} from the consumer's own state (no broker round trip), at
     * most every {@link #SAMPLE_INTERVAL_NANOS}: the log-end offset the last fetch reported minus the position gives
     * what was not polled yet, and the polled but unsettled records are added, so the figure is log-end minus the
     * offset the next commit writes.
     */
    private void sample() {
        long now = System.nanoTime();
        if (now - nextSample < 0) {
            return;
        }
        nextSample = now + SAMPLE_INTERVAL_NANOS;
        try {
            long total = 0;
            boolean known = everAssigned;
            for (PartitionProgress progress : assigned.values()) {
                java.util.OptionalLong notPolled = consumer.currentLag(progress.topicPartition);
                if (notPolled.isEmpty()) {
                    known = false;
                    break;
                }
                total += notPolled.getAsLong() + progress.unsettledPolled();
            }
            lag = known ? total : -1;
            connected = connectionCount() != 0;
        } catch (RuntimeException e) {
            log.debug("{}: sampling the consumer lag failed: {}", name, e.toString());
        }
    }

    /** The consumer's open broker connections, or -1 when its metrics do not tell. */
    private long connectionCount() {
        for (var metric : consumer.metrics().entrySet()) {
            if (metric.getKey().name().equals("connection-count")
                    && metric.getKey().group().equals("consumer-metrics")
                    && metric.getValue().metricValue() instanceof Number count) {
                return count.longValue();
            }
        }
        return -1;
    }

    private void shutdown() {
        long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
        if (!aborted) {
            // drain what was polled, not only what runs: the commit covers a partition only up to its first
            // unfinished work, so work of other keys that ran ahead of a queued one would be delivered again
            signal.await(() -> aborted || lanes.isStopped()
                    || assigned.values().stream().allMatch(PartitionProgress::allTurnsOver), deadline);
        }
        lanes.stop();
        if (aborted) {
            abandonAll(false); // a killed process tells no holder
            closeConsumer(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                    .withTimeout(Duration.ZERO));
        } else {
            signal.await(() -> lanes.running() == 0, deadline);
            try {
                commit(true);
            } catch (RuntimeException e) {
                log.warn("{}: final commit failed; the group will redeliver events since the last commit", name, e);
            }
            abandonAll(true);
            closeConsumer(CloseOptions.timeout(settings.closeTimeout()));
        }
        if (aborted) {
            executor.shutdownNow(); // a killed process's handlers stop where they are
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{}: {} handler(s) still running after close; their results are ignored", name,
                        lanes.running());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeConsumer(CloseOptions options) {
        try {
            consumer.close(options);
        } catch (RuntimeException e) {
            log.warn("{}: closing the Kafka consumer failed", name, e);
        }
    }

    private void abandonAll(boolean tellHolders) {
        for (PartitionProgress progress : assigned.values()) {
            progress.revoke(tellHolders);
        }
        assigned.clear();
        pausedForHeld.clear();
    }

    private void applyBackPressure() {
        int pending = inFlight.get();
        if (!paused && pending >= settings.maxInFlight()) {
            consumer.pause(consumer.assignment());
            paused = true;
            log.debug("{}: {} events in flight; pausing all partitions", name, pending);
        } else if (paused && pending <= settings.maxInFlight() / 2) {
            List<TopicPartition> resume = new ArrayList<>(consumer.paused());
            resume.removeAll(pausedForHeld);
            consumer.resume(resume);
            paused = false;
        }
        for (PartitionProgress progress : assigned.values()) {
            int held = progress.held().get();
            TopicPartition tp = progress.topicPartition;
            if (held >= settings.maxHeldPerPartition() && pausedForHeld.add(tp)) {
                consumer.pause(List.of(tp));
                log.warn("{}: {} events of {} are held unacknowledged (limit {}); the partition pauses until half of"
                        + " them are released", name, held, tp, settings.maxHeldPerPartition());
            } else if (held <= settings.maxHeldPerPartition() / 2 && pausedForHeld.remove(tp) && !paused) {
                consumer.resume(List.of(tp));
            }
        }
    }

    private void commit(boolean sync) {
        if (!sync && commitInFlight) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionProgress progress : assigned.values()) {
            long offset = sync ? progress.committable() : progress.committableIfAdvanced();
            if (offset >= 0) {
                offsets.put(progress.topicPartition, new OffsetAndMetadata(offset));
                progress.committed(offset);
            }
        }
        commit(offsets, sync);
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets, boolean sync) {
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            try {
                consumer.commitSync(offsets, COMMIT_TIMEOUT);
            } catch (WakeupException e) {
                consumer.commitSync(offsets, COMMIT_TIMEOUT); // a close() racing with a rebalance: commit anyway
            }
        } else {
            // one asynchronous commit at a time: the pace adapts to the coordinator, and a slow coordinator does not
            // collect a queue of commits that the next one makes obsolete anyway
            commitInFlight = true;
            consumer.commitAsync(offsets, (committed, error) -> {
                commitInFlight = false; // callbacks run on the poll thread, inside poll
                if (error != null) {
                    log.debug("{}: asynchronous commit failed ({}); the next one retries it", name, error.toString());
                    for (TopicPartition tp : offsets.keySet()) {
                        PartitionProgress progress = assigned.get(tp);
                        if (progress != null) {
                            progress.commitFailed(offsets.get(tp).offset());
                        }
                    }
                }
            });
        }
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            everAssigned = true;
            for (TopicPartition tp : partitions) {
                assigned.put(tp, new PartitionProgress(tp, signal));
            }
            if (paused && !partitions.isEmpty()) {
                consumer.pause(partitions);
            }
            log.debug("{}: assigned {}", name, partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            List<PartitionProgress> leaving = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                PartitionProgress progress = assigned.get(tp);
                if (progress != null) {
                    leaving.add(progress);
                }
            }
            if (leaving.isEmpty()) {
                return;
            }
            if (!aborted) {
                // also while closing: abandoning a running turn would hand its key to the next owner while the
                // handler still runs here
                signal.await(() -> aborted || leaving.stream().allMatch(PartitionProgress::allTurnsOver),
                        System.nanoTime() + settings.revokeTimeout().toNanos());
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (PartitionProgress progress : leaving) {
                    long offset = progress.committable();
                    if (offset >= 0) {
                        offsets.put(progress.topicPartition, new OffsetAndMetadata(offset));
                    }
                }
                try {
                    commit(offsets, true);
                } catch (RuntimeException e) {
                    log.warn("{}: commit on revocation of {} failed; the new owner redelivers from the last commit",
                            name, partitions, e);
                }
            }
            abandon(leaving);
            log.debug("{}: revoked {}", name, partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            List<PartitionProgress> lost = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                PartitionProgress progress = assigned.get(tp);
                if (progress != null) {
                    lost.add(progress);
                }
            }
            abandon(lost);
            log.info("{}: lost {} without a chance to commit; the new owner redelivers their unsettled events",
                    name, partitions);
        }

        private void abandon(List<PartitionProgress> partitions) {
            for (PartitionProgress progress : partitions) {
                progress.revoke(!aborted);
                assigned.remove(progress.topicPartition);
                pausedForHeld.remove(progress.topicPartition);
            }
        }
    }
}
