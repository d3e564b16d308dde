package io.switchboard.kafka;

import io.switchboard.api.Scheduler;
import io.switchboard.core.time.Schedulers;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The consumer loop's rebalance, commit and failure paths, deterministically, on Kafka's {@link MockConsumer}
 * (the client's own test double: no broker, every rebalance and failure triggered by the test on the poll thread).
 */
@Timeout(60)
class ConsumerLoopTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final Scheduler scheduler = Schedulers.system(timer);
    private final TestConsumer mock = new TestConsumer();
    /** The stage each offset's handler returns; offsets without one complete at once. */
    private final Map<Long, CompletableFuture<Void>> stages = new ConcurrentHashMap<>();
    private final List<Long> handled = new CopyOnWriteArrayList<>();
    private final List<Work> works = new CopyOnWriteArrayList<>();
    private ConsumerLoop loop;
    private int maxHeld = 100;

    @AfterEach
    void stop() {
        stages.values().forEach(stage -> stage.complete(null));
        if (loop != null) {
            loop.close();
        }
        timer.shutdownNow();
    }

    @Test
    void revocationWaitsForTheRunningTurnThenCommitsPastIt() {
        CompletableFuture<Void> slow = new CompletableFuture<>();
        stages.put(0L, slow);
        start(Duration.ofSeconds(30));
        assign();
        onPollThread(() -> {
            mock.addRecord(record(0, "a"));
            mock.addRecord(record(1, "b"));
        });
        await().atMost(WAIT).until(() -> handled.containsAll(List.of(0L, 1L)));

        AtomicBoolean revoking = new AtomicBoolean();
        Thread finisher = new Thread(() -> {
            while (!revoking.get()) {
                Thread.onSpinWait();
            }
            slow.complete(null); // while the poll thread waits in the revocation (or just before it)
        });
        finisher.start();
        onPollThread(() -> {
            revoking.set(true);
            mock.rebalance(List.of());
        });

        await().atMost(WAIT).until(() -> mock.committedOffset() == 2);
        assertThat(mock.revoked).as("partitions revoked").containsExactly(TP);
    }

    @Test
    void revocationAbandonsATurnThatOutlastsTheRevokeTimeoutAndCommitsBelowIt() {
        CompletableFuture<Void> stuck = new CompletableFuture<>();
        stages.put(0L, stuck);
        start(Duration.ofMillis(50));
        assign();
        onPollThread(() -> {
            mock.addRecord(record(0, "a"));
            mock.addRecord(record(1, "b"));
        });
        await().atMost(WAIT).until(() -> handled.containsAll(List.of(0L, 1L)));

        onPollThread(() -> mock.rebalance(List.of()));
        await().atMost(WAIT).until(() -> work(0).isSettled());
        stuck.complete(null); // a late outcome of an abandoned turn
        onPollThread(() -> { });

        assertThat(mock.committedOffset()).as("committed offset: below the abandoned record, which the next"
                + " owner must redeliver").isEqualTo(0);
        assertThat(loop.inFlight()).as("work in flight after the revocation").isZero();
    }

    @Test
    void aHeldWorkIsHandedBackOnRevocationAndItsHolderIsTold() {
        stages.put(0L, CompletableFuture.completedFuture(null));
        AtomicInteger returned = new AtomicInteger();
        start(Duration.ofSeconds(30), work -> {
            if (work.firstOffset() == 0) {
                work.hold();
                work.whenReturned(returned::incrementAndGet);
            }
        });
        assign();
        onPollThread(() -> {
            mock.addRecord(record(0, "a"));
            mock.addRecord(record(1, "a"));
        });
        await().atMost(WAIT).until(() -> handled.containsAll(List.of(0L, 1L)) && work(1).isSettled());
        await().atMost(WAIT).until(() -> mock.committedOffset() == 0);

        onPollThread(() -> mock.rebalance(List.of()));

        await().atMost(WAIT).until(() -> returned.get() == 1);
        assertThat(mock.committedOffset()).as("committed offset: the held record stays uncommitted").isEqualTo(0);
        work(0).release(); // after it was handed back: ignored
        onPollThread(() -> { });
        assertThat(mock.committedOffset()).isEqualTo(0);
    }

    @Test
    void aPartitionHoldingItsLimitPausesUntilHalfIsReleased() {
        maxHeld = 2;
        start(Duration.ofSeconds(30), Work::hold);
        assign();
        onPollThread(() -> {
            for (long offset = 0; offset < 4; offset++) {
                mock.addRecord(record(offset, "k" + offset));
            }
        });
        await().atMost(WAIT).until(() -> works.size() == 4 && works.stream().allMatch(Work::isTurnOver));
        onPollThread(() -> { });
        onPollThread(() -> { });

        assertThat(mock.paused()).as("paused partitions while 4 events are held (limit 2)").containsExactly(TP);
        assertThat(loop.inFlight()).as("held events are not in flight").isZero();

        work(0).release();
        work(1).release();
        work(2).release();
        await().atMost(WAIT).until(() -> {
            onPollThread(() -> { });
            return mock.paused().isEmpty();
        });
        await().atMost(WAIT).until(() -> {
            onPollThread(() -> { });
            return mock.committedOffset() == 3; // the commit point stops below the one event still held
        });
        assertThat(work(3).isHeld()).isTrue();
    }

    @Test
    void aFailedAsynchronousCommitIsRetriedWithoutNewRecords() {
        mock.failCommits.set(true);
        start(Duration.ofSeconds(30));
        assign();
        onPollThread(() -> mock.addRecord(record(0, "a")));
        await().atMost(WAIT).until(() -> handled.contains(0L) && mock.failedCommits.get() > 0);

        mock.failCommits.set(false);

        await().atMost(WAIT).until(() -> mock.committedOffset() == 1);
    }

    @Test
    void aPollIntervalExceededLosesThePartitionsWithoutCommittingAndConsumptionGoesOn() {
        CompletableFuture<Void> slow = new CompletableFuture<>();
        stages.put(0L, slow);
        start(Duration.ofSeconds(30));
        assign();
        onPollThread(() -> mock.addRecord(record(0, "a")));
        await().atMost(WAIT).until(() -> handled.contains(0L));

        // what the client does after max.poll.interval.ms: the member left the group, its partitions are lost and
        // a commit for them fails
        mock.failCommitsWith(new CommitFailedException("poll interval exceeded (test)"));
        onPollThread(() -> mock.listener.onPartitionsLost(Set.of(TP)));
        slow.complete(null);
        onPollThread(() -> { });

        assertThat(work(0).isSettled()).as("the lost partition's work is settled (abandoned)").isTrue();
        assertThat(mock.committedOffset()).as("committed offset: not past the record of the lost partition")
                .isLessThanOrEqualTo(0);

        // the member rejoins and gets the partition back from the last commit: the lost record comes again
        mock.failCommitsWith(null);
        onPollThread(() -> {
            mock.rebalance(List.of()); // the mock still counts the lost partition as assigned
            mock.rebalance(List.of(TP));
            mock.updateBeginningOffsets(Map.of(TP, 0L));
            mock.addRecord(record(0, "a"));
            mock.addRecord(record(1, "b"));
        });
        await().atMost(WAIT).until(() -> handled.contains(1L) && mock.committedOffset() == 2);
        assertThat(handled).as("offsets handled: the lost one twice").containsExactlyInAnyOrder(0L, 0L, 1L);
    }

    @Test
    void aFailingPollBacksOffAndCloseStopsItAtOnce() {
        start(Duration.ofSeconds(30));
        mock.setPollException(new KafkaException("broker unreachable (test)"));
        await().atMost(WAIT).until(() -> mock.polls.get() >= 1);

        loop.close();

        assertThat(loop.isStopped()).as("poll thread stopped by close while backing off").isTrue();
        loop = null;
    }

    // ------------------------------------------------------------------ helpers

    private void start(Duration revokeTimeout) {
        start(revokeTimeout, work -> { });
    }

    private void start(Duration revokeTimeout, java.util.function.Consumer<Work> beforeStage) {
        ConsumerLoop.Settings settings = new ConsumerLoop.Settings(4, 100, Duration.ofMillis(5), revokeTimeout,
                Duration.ofSeconds(2), Duration.ofMillis(10), Duration.ofMillis(100), scheduler, maxHeld);
        WorkHandler handler = work -> {
            works.add(work);
            beforeStage.accept(work);
            handled.add(work.firstOffset());
            return stages.getOrDefault(work.firstOffset(), CompletableFuture.completedFuture(null));
        };
        loop = new ConsumerLoop("test-loop", mock, List.of(TP.topic()), null, ConsumerLoop.ONE_PER_RECORD, handler,
                settings).start();
    }

    /** The (first) work of {@code offset}: lanes of different keys start in any order. */
    private Work work(long offset) {
        return works.stream().filter(w -> w.firstOffset() == offset).findFirst().orElseThrow();
    }

    private void assign() {
        onPollThread(() -> {
            mock.rebalance(List.of(TP));
            mock.updateBeginningOffsets(Map.of(TP, 0L));
        });
    }

    /** Runs {@code action} inside the next poll, on the poll thread, and waits until it ran. */
    private void onPollThread(Runnable action) {
        CountDownLatch ran = new CountDownLatch(1);
        mock.schedulePollTask(() -> {
            action.run();
            ran.countDown();
        });
        try {
            assertThat(ran.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("poll task ran").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String key) {
        return new ConsumerRecord<>(TP.topic(), TP.partition(), offset, key.getBytes(StandardCharsets.UTF_8),
                ("v" + offset).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A {@link MockConsumer} that remembers the rebalance listener, can fail commits, and pauses a moment on an
     * empty poll (the mock returns at once, which would spin the poll thread).
     */
    private static final class TestConsumer extends MockConsumer<byte[], byte[]> {
        final AtomicBoolean failCommits = new AtomicBoolean();
        final AtomicInteger failedCommits = new AtomicInteger();
        final AtomicInteger polls = new AtomicInteger();
        final List<TopicPartition> revoked = new CopyOnWriteArrayList<>();
        private volatile KafkaException commitFailure;
        volatile ConsumerRebalanceListener listener;

        TestConsumer() {
            super("earliest");
        }

        void failCommitsWith(KafkaException failure) {
            commitFailure = failure;
        }

        private final Map<TopicPartition, Long> commits = new ConcurrentHashMap<>();

        /** The last offset committed for {@link #TP}, or -1 (the mock reports 0 for unassigned partitions). */
        long committedOffset() {
            return commits.getOrDefault(TP, -1L);
        }

        private void record(Map<TopicPartition, OffsetAndMetadata> offsets) {
            offsets.forEach((tp, offset) -> commits.put(tp, offset.offset()));
        }

        @Override
        public void subscribe(Collection<String> topics, ConsumerRebalanceListener callback) {
            ConsumerRebalanceListener recording = new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    revoked.addAll(partitions);
                    callback.onPartitionsRevoked(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    callback.onPartitionsAssigned(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    callback.onPartitionsLost(partitions);
                }
            };
            this.listener = recording;
            super.subscribe(topics, recording);
        }

        @Override
        public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            polls.incrementAndGet();
            ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                try {
                    wait(1); // releases the monitor: other threads may schedule tasks meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return records;
        }

        @Override
        public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
                                             OffsetCommitCallback callback) {
            KafkaException failure = failCommits.get() ? new RetriableCommitFailedException("commit failed (test)")
                    : commitFailure;
            if (failure != null) {
                failedCommits.incrementAndGet();
                if (callback != null) {
                    callback.onComplete(offsets, failure);
                }
                return;
            }
            super.commitAsync(offsets, callback);
            record(offsets);
        }

        @Override
        public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            KafkaException failure = commitFailure;
            if (failure != null || failCommits.get()) {
                throw failure != null ? failure : new RetriableCommitFailedException("commit failed (test)");
            }
            super.commitSync(offsets, timeout);
            record(offsets);
        }
    }
}
