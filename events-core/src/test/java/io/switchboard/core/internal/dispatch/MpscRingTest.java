package io.switchboard.core.internal.dispatch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MpscRingTest {

    @Test
    void rounds_capacity_up_to_a_power_of_two_and_refuses_when_full() {
        MpscRing<Integer> ring = new MpscRing<>(3);
        assertThat(ring.capacity()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(ring.offer(i)).isTrue();
        }
        assertThat(ring.offer(99)).isFalse();
        assertThat(ring.size()).isEqualTo(4);
        assertThat(ring.poll()).isZero();
        assertThat(ring.offer(4)).isTrue();
        List<Integer> rest = new ArrayList<>();
        for (Integer i; (i = ring.poll()) != null; ) {
            rest.add(i);
        }
        assertThat(rest).containsExactly(1, 2, 3, 4);
        assertThat(ring.isEmpty()).isTrue();
        MpscRing<Integer> one = new MpscRing<>(1);
        assertThat(one.capacity()).isEqualTo(2);
        assertThat(one.offer(1) && one.offer(2)).isTrue();
        assertThat(one.offer(3)).isFalse();
        assertThatThrownBy(() -> new MpscRing<>(0)).hasMessageContaining("between 1 and 2^30");
    }

    @Test
    void concurrent_producers_lose_nothing_and_keep_each_producers_order() throws Exception {
        MpscRing<long[]> ring = new MpscRing<>(64);
        int producers = 4, perProducer = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long id = p;
            Thread t = new Thread(() -> {
                try {
                    start.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                for (long i = 0; i < perProducer; i++) {
                    long[] item = {id, i};
                    while (!ring.offer(item)) {
                        Thread.onSpinWait();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        long[] next = new long[producers];
        int received = 0;
        while (received < producers * perProducer) {
            long[] item = ring.poll();
            if (item == null) {
                Thread.onSpinWait();
                continue;
            }
            assertThat(item[1]).isEqualTo(next[(int) item[0]]);
            next[(int) item[0]]++;
            received++;
        }
        for (Thread t : threads) {
            t.join(30_000);
            assertThat(t.isAlive()).as("thread " + t.getName() + " finished within 30 s").isFalse();
        }
        assertThat(ring.poll()).isNull();
    }
}
