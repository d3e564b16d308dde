package io.switchboard.core.internal.delivery;

import io.switchboard.api.Subscriber;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {

    @Test
    void burstIsImmediateThenOnePermitPerInterval() {
        TokenBucket bucket = new TokenBucket(new Subscriber.RateLimit(10, Duration.ofSeconds(1), 3));
        long now = 1_000_000_000L;
        assertThat(bucket.interval()).isEqualTo(100_000_000L);
        assertThat(List.of(bucket.reserve(now), bucket.reserve(now), bucket.reserve(now))).containsOnly(0L);
        assertThat(bucket.reserve(now)).isEqualTo(100_000_000L);
        assertThat(bucket.reserve(now)).isEqualTo(200_000_000L);
        // after a long idle time the burst is available again, but no more than the burst
        long later = now + 10_000_000_000L;
        assertThat(List.of(bucket.reserve(later), bucket.reserve(later), bucket.reserve(later))).containsOnly(0L);
        assertThat(bucket.reserve(later)).isEqualTo(100_000_000L);
    }

    @Test
    void intervalRoundsUpSoTheRateIsNeverExceeded() {
        TokenBucket bucket = new TokenBucket(new Subscriber.RateLimit(3, Duration.ofNanos(10), 1));
        assertThat(bucket.interval()).isEqualTo(4);
    }

    @RepeatedTest(3)
    void concurrentReservationsNeverExceedTheBound() throws Exception {
        Subscriber.RateLimit limit = new Subscriber.RateLimit(1000, Duration.ofSeconds(1), 50);
        TokenBucket bucket = new TokenBucket(limit);
        List<Long> slots = Collections.synchronizedList(new ArrayList<>());
        CyclicBarrier start = new CyclicBarrier(4);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int lane = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < 500; i++) {
                    long now = (i / 25) * 7_000_000L + lane; // requests arrive in bursts, time moving forward
                    slots.add(now + bucket.reserve(now));
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(30_000);
            assertThat(thread.isAlive()).as("thread " + thread.getName() + " finished within 30 s").isFalse();
        }
        List<Long> sorted = new ArrayList<>(slots);
        Collections.sort(sorted);
        long interval = bucket.interval();
        // the tightest window ending at each slot: burst + floor(span / interval) permits at most
        for (int j = 0; j < sorted.size(); j++) {
            for (int i = Math.max(0, j - limit.burst() - 20); i <= j; i++) {
                long span = sorted.get(j) - sorted.get(i);
                assertThat(j - i + 1L).isLessThanOrEqualTo(limit.burst() + span / interval);
            }
        }
        assertThat(sorted).hasSize(2000);
    }
}
