package io.switchboard.core.time;

import io.switchboard.api.Scheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManualSchedulerTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final ManualScheduler clock = new ManualScheduler(T0);
    private final List<String> ran = new CopyOnWriteArrayList<>();

    private Runnable record(String name) {
        return () -> ran.add(name + "@" + clock.now().getEpochSecond() % 3600);
    }

    @Test
    void timeStandsStillUntilAdvanced() {
        assertThat(clock.now()).isEqualTo(T0);
        assertThat(clock.clock().instant()).isEqualTo(T0);
        assertThat(new ManualScheduler().now()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));

        clock.schedule(Duration.ofSeconds(1), record("a"));

        assertThat(ran).isEmpty();
        assertThat(clock.pendingTasks()).isEqualTo(1);
        assertThat(clock.pendingDueTimes()).containsExactly(T0.plusSeconds(1));
    }

    @Test
    void advancingRunsDueTasksInDueOrderEachAtItsDueTime() {
        clock.schedule(Duration.ofSeconds(30), record("late"));
        clock.schedule(Duration.ofSeconds(10), record("early"));
        clock.schedule(Duration.ofSeconds(10), record("early-second")); // same due time: scheduling order
        clock.schedule(Duration.ofSeconds(90), record("beyond"));

        clock.advance(Duration.ofMinutes(1));

        assertThat(ran).containsExactly("early@10", "early-second@10", "late@30");
        assertThat(clock.now()).isEqualTo(T0.plusSeconds(60));
        assertThat(clock.pendingDueTimes()).containsExactly(T0.plusSeconds(90));
    }

    @Test
    void aTaskScheduledByARunningTaskRunsInTheSameAdvanceIfItFallsDue() {
        Scheduler s = clock;
        s.schedule(Duration.ofSeconds(5), () -> {
            ran.add("first@" + clock.now().getEpochSecond() % 3600);
            s.schedule(Duration.ZERO, record("immediate"));
            s.schedule(Duration.ofSeconds(5), record("chained"));
            s.schedule(Duration.ofSeconds(100), record("too-late"));
        });

        clock.advance(Duration.ofSeconds(20));

        assertThat(ran).containsExactly("first@5", "immediate@5", "chained@10");
        assertThat(clock.pendingTasks()).isEqualTo(1);
    }

    @Test
    void negativeDelaysAreDueNowAndRunDueRunsThemWithoutMovingTheClock() {
        clock.schedule(Duration.ofSeconds(-5), record("overdue"));

        clock.runDue();

        assertThat(ran).containsExactly("overdue@0");
        assertThat(clock.now()).isEqualTo(T0);
    }

    @Test
    void aCancelledTaskNeverRunsAndCancellingTwiceReportsFalse() {
        Scheduler.Cancellable c = clock.schedule(Duration.ofSeconds(1), record("cancelled"));

        assertThat(c.cancel()).isTrue();
        assertThat(c.cancel()).isFalse();
        clock.advance(Duration.ofSeconds(2));

        assertThat(ran).isEmpty();
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void timeOnlyMovesForwardThroughAdvance() {
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only moves forward");
        assertThatThrownBy(() -> clock.advanceTo(T0.minusSeconds(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is before");
        assertThatThrownBy(() -> clock.advance(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> clock.schedule(null, () -> { })).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> clock.schedule(Duration.ZERO, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ManualScheduler(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void jumpToMovesTheClockWithoutRunningAnything() {
        clock.schedule(Duration.ofSeconds(10), record("pending"));

        clock.jumpTo(T0.plusSeconds(3600));
        assertThat(ran).isEmpty();
        assertThat(clock.now()).isEqualTo(T0.plusSeconds(3600));

        clock.runDue(); // the task's due time has passed now: it runs, and the clock stays
        assertThat(ran).hasSize(1);
        assertThat(clock.now()).isEqualTo(T0.plusSeconds(3600));

        clock.jumpTo(T0); // a wall clock may also jump back
        assertThat(clock.now()).isEqualTo(T0);
    }

    @Test
    void aFailingTaskReachesTheCallerAndLeavesLaterTasksPending() {
        clock.schedule(Duration.ofSeconds(1), () -> {
            throw new IllegalStateException("task failed");
        });
        clock.schedule(Duration.ofSeconds(2), record("after"));

        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(5))).hasMessage("task failed");
        assertThat(clock.now()).isEqualTo(T0.plusSeconds(1));
        assertThat(clock.pendingTasks()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(4));
        assertThat(ran).containsExactly("after@2");
    }

    @Test
    void tasksMayBeScheduledFromOtherThreadsWhileTheClockAdvances() throws Exception {
        int threads = 4, perThread = 250;
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    clock.schedule(Duration.ofSeconds(1 + i % 10), () -> ran.add("x"));
                }
                done.countDown();
            });
            started.add(thread);
            thread.start();
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        for (Thread thread : started) {
            thread.join(30_000);
            assertThat(thread.isAlive()).isFalse();
        }
        clock.advance(Duration.ofSeconds(10));

        assertThat(ran).hasSize(threads * perThread);
        assertThat(clock.pendingTasks()).isZero();
    }
}
