package io.switchboard.kafka;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The commit rule: never past the oldest unsettled work, whatever order work finishes in. */
class PartitionProgressTest {

    private final TopicPartition tp = new TopicPartition("t", 0);

    @Property(tries = 200)
    void committableIsTheOldestUnsettledOffset(@ForAll @IntRange(min = 1, max = 60) int count, @ForAll long seed) {
        AtomicInteger inFlight = new AtomicInteger();
        PartitionProgress progress = new PartitionProgress(tp);
        List<Work> works = new ArrayList<>();
        long offset = 100;
        for (int i = 0; i < count; i++) {
            Work work = work(progress, offset, inFlight);
            offset += 1 + (i % 3); // offsets may have gaps (compaction, transactions)
            works.add(work);
            inFlight.incrementAndGet();
            progress.track(work);
        }
        List<Work> order = new ArrayList<>(works);
        Collections.shuffle(order, new Random(seed));
        for (Work done : order) {
            done.complete();
            long expected = works.stream().filter(w -> !w.isSettled()).mapToLong(Work::firstOffset).min()
                    .orElse(works.get(works.size() - 1).lastOffset() + 1);
            assertThat(progress.committable()).isEqualTo(expected);
        }
        assertThat(inFlight).hasValue(0);
        assertThat(progress.allSettled()).isTrue();
    }

    @Test
    void aHeldWorkKeepsTheCommitBelowItUntilReleasedAndCountsAsHeldNotInFlight() {
        AtomicInteger inFlight = new AtomicInteger();
        PartitionProgress progress = new PartitionProgress(tp);
        Work held = work(progress, 10, inFlight);
        Work later = work(progress, 11, inFlight);
        for (Work w : List.of(held, later)) {
            inFlight.incrementAndGet();
            progress.track(w);
        }

        held.hold();
        assertThat(held.endTurn()).as("turn ended").isTrue();
        later.endTurn();

        assertThat(held.isHeld()).isTrue();
        assertThat(progress.committable()).as("commit point while held").isEqualTo(10);
        assertThat(progress.allTurnsOver()).isTrue();
        assertThat(inFlight).as("in flight").hasValue(0);
        assertThat(progress.held()).as("held").hasValue(1);

        held.release();

        assertThat(progress.committable()).as("commit point after release").isEqualTo(12);
        assertThat(progress.held()).hasValue(0);
    }

    @Test
    void revokingHandsHeldWorkBackAndTellsItsHolderOnce() {
        AtomicInteger inFlight = new AtomicInteger(1);
        PartitionProgress progress = new PartitionProgress(tp);
        Work held = work(progress, 10, inFlight);
        progress.track(held);
        AtomicInteger returned = new AtomicInteger();
        held.hold().whenReturned(returned::incrementAndGet);
        held.endTurn();

        progress.revoke();
        held.release(); // too late: ignored
        held.whenReturned(returned::incrementAndGet); // registered after the return: runs at once

        assertThat(returned).hasValue(2);
        assertThat(progress.held()).hasValue(0);
        assertThat(held.isSettled()).isTrue();
    }

    @Test
    void aCrashHandsHeldWorkBackWithoutTellingItsHolder() {
        AtomicInteger inFlight = new AtomicInteger(1);
        PartitionProgress progress = new PartitionProgress(tp);
        Work held = work(progress, 10, inFlight);
        progress.track(held);
        AtomicInteger returned = new AtomicInteger();
        held.hold().whenReturned(returned::incrementAndGet);
        held.endTurn();

        progress.revoke(false);

        assertThat(returned).hasValue(0);
        assertThat(held.isSettled()).isTrue();
    }

    @Test
    void aReleaseDuringTheStageCompletesTheWorkWhenItsTurnEnds() {
        AtomicInteger inFlight = new AtomicInteger(1);
        PartitionProgress progress = new PartitionProgress(tp);
        Work work = work(progress, 10, inFlight);
        progress.track(work);

        work.hold();
        work.release();
        work.endTurn();

        assertThat(work.isSettled()).isTrue();
        assertThat(progress.committable()).isEqualTo(11);
        assertThat(progress.held()).hasValue(0);
        assertThat(inFlight).hasValue(0);
    }

    @Test
    void nothingIsCommittableBeforeAnythingWasPolled() {
        assertThat(new PartitionProgress(tp).committable()).isEqualTo(-1);
    }

    @Test
    void revokingAbandonsUnsettledWorkOnceAndReleasesItsPermits() {
        AtomicInteger inFlight = new AtomicInteger(2);
        PartitionProgress progress = new PartitionProgress(tp);
        Work first = work(progress, 0, inFlight);
        Work second = work(progress, 1, inFlight);
        progress.track(first);
        progress.track(second);

        progress.revoke();

        assertThat(inFlight).hasValue(0);
        assertThat(first.isLive()).isFalse();
        assertThat(first.complete()).as("a late completion of abandoned work changes nothing").isFalse();
        assertThat(inFlight).hasValue(0);
    }

    @Test
    void advancesOnlyPastWhatWasCommitted() {
        AtomicInteger inFlight = new AtomicInteger(1);
        PartitionProgress progress = new PartitionProgress(tp);
        Work work = work(progress, 7, inFlight);
        progress.track(work);
        assertThat(progress.committableIfAdvanced()).isEqualTo(7);
        progress.committed(7);
        assertThat(progress.committableIfAdvanced()).isEqualTo(-1);
        work.complete();
        assertThat(progress.committableIfAdvanced()).isEqualTo(8);
    }

    static Work work(PartitionProgress progress, long offset, AtomicInteger inFlight) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("t", 0, offset, null, new byte[0]);
        return new Work(progress, List.of(record), null, inFlight);
    }
}
