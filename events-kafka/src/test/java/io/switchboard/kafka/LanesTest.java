package io.switchboard.kafka;

import io.switchboard.core.time.ManualScheduler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Ordering per key, parallelism across keys, redelivery in place, and moving on from revoked work. */
class LanesTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final ManualScheduler scheduler = new ManualScheduler();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final PartitionProgress partition = new PartitionProgress(new TopicPartition("t", 0));
    private long nextOffset;

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void eventsOfOneKeyRunOneAtATimeInOrderWhileKeysRunInParallel() {
        Map<String, List<Long>> seen = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
        List<String> overlaps = new CopyOnWriteArrayList<>();
        AtomicInteger parallel = new AtomicInteger();
        AtomicInteger maxParallel = new AtomicInteger();
        Lanes lanes = lanes(work -> {
            String key = new String(work.laneKey, StandardCharsets.UTF_8);
            if (running.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                overlaps.add(key);
            }
            maxParallel.accumulateAndGet(parallel.incrementAndGet(), Math::max);
            seen.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(work.firstOffset());
            return CompletableFuture.runAsync(() -> {
                parallel.decrementAndGet();
                running.get(key).decrementAndGet();
            }, CompletableFuture.delayedExecutor(200, TimeUnit.MICROSECONDS));
        });
        List<Work> all = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Work work = work("key-" + (i % 8));
            all.add(work);
            lanes.dispatch(work);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> all.stream().allMatch(Work::isSettled));
        assertThat(overlaps).isEmpty();
        seen.values().forEach(offsets -> assertThat(offsets).isSorted());
        assertThat(seen).hasSize(8);
        assertThat(maxParallel.get()).as("different keys ran at the same time").isGreaterThan(1);
    }

    @Test
    void workHandedOverInBatchesRunsOnlyAfterFlushAndEverythingSettlesInOrderPerKey() {
        Map<String, List<Long>> seen = new ConcurrentHashMap<>();
        Lanes lanes = lanes(work -> {
            seen.computeIfAbsent(new String(work.laneKey, StandardCharsets.UTF_8), k -> new CopyOnWriteArrayList<>())
                    .add(work.firstOffset());
            return CompletableFuture.completedFuture(null);
        });
        List<Work> all = new ArrayList<>();
        for (int batch = 0; batch < 50; batch++) {
            for (int i = 0; i < 40; i++) {
                Work work = work("key-" + (i % 5));
                all.add(work);
                lanes.enqueue(work);
            }
            if (batch == 0) {
                // nothing is woken before the flush
                assertThat(all).noneMatch(Work::isSettled);
            }
            lanes.flush(); // lanes may still be draining the previous batch: no work may be stranded
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> all.stream().allMatch(Work::isSettled));
        assertThat(inFlight.get()).isZero();
        assertThat(seen).hasSize(5);
        seen.values().forEach(offsets -> assertThat(offsets).hasSize(400).isSorted());
    }

    @Test
    void aFailedEventIsRetriedAfterBackoffAndLaterEventsOfItsKeyWait() {
        AtomicInteger attempts = new AtomicInteger();
        List<Long> handled = new CopyOnWriteArrayList<>();
        Lanes lanes = lanes(work -> {
            if (work.firstOffset() == 0 && attempts.incrementAndGet() <= 2) {
                return CompletableFuture.failedFuture(new IllegalStateException("not yet"));
            }
            handled.add(work.firstOffset());
            return CompletableFuture.completedFuture(null);
        });
        Work first = work("k");
        Work second = work("k");
        lanes.dispatch(first);
        lanes.dispatch(second);

        await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get() == 1 && scheduler.pendingTasks() == 1);
        assertThat(handled).as("the key's next event waits for the failed one").isEmpty();
        scheduler.advance(Duration.ofMillis(100)); // first backoff
        await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get() == 2 && scheduler.pendingTasks() == 1);
        assertThat(scheduler.pendingDueTimes().get(0)).as("the backoff doubles")
                .isEqualTo(scheduler.now().plus(Duration.ofMillis(200)));
        scheduler.advance(Duration.ofMillis(200));

        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 2);
        assertThat(handled).containsExactly(0L, 1L);
        assertThat(first.isSettled()).isTrue();
        assertThat(second.isSettled()).isTrue();
    }

    @Test
    void aLaneMovesOnWhenTheWorkItWaitsForIsRevoked() {
        CompletableFuture<Void> never = new CompletableFuture<>();
        List<Long> handled = new CopyOnWriteArrayList<>();
        // one lane, so the stuck work certainly blocks the other partition's work until it is revoked
        Lanes lanes = lanes(1, work -> {
            if (work.topicPartition().partition() == 0) {
                return never;
            }
            handled.add(work.firstOffset());
            return CompletableFuture.completedFuture(null);
        });
        PartitionProgress other = new PartitionProgress(new TopicPartition("t", 1));
        Work stuck = work("k");
        partition.track(stuck);
        lanes.dispatch(stuck);
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("t", 1, 0, "k".getBytes(StandardCharsets.UTF_8), new byte[0]);
        Work sameLaneOtherPartition = new Work(other, List.of(record), "k".getBytes(StandardCharsets.UTF_8), inFlight);
        inFlight.incrementAndGet();
        lanes.dispatch(sameLaneOtherPartition);
        assertThat(sameLaneOtherPartition.isSettled()).as("waits behind the stuck work").isFalse();

        partition.revoke();

        await().atMost(Duration.ofSeconds(5)).until(sameLaneOtherPartition::isSettled);
        assertThat(handled).containsExactly(0L);
        never.complete(null);
    }

    private Lanes lanes(WorkHandler handler) {
        return lanes(8, handler);
    }

    private Lanes lanes(int count, WorkHandler handler) {
        return new Lanes(count, executor, scheduler, handler, Duration.ofMillis(100), Duration.ofSeconds(1), "test");
    }

    private Work work(String key) {
        long offset = nextOffset++;
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("t", 0, offset, key.getBytes(StandardCharsets.UTF_8), new byte[0]);
        inFlight.incrementAndGet();
        return new Work(partition, List.of(record), key.getBytes(StandardCharsets.UTF_8), inFlight);
    }
}
