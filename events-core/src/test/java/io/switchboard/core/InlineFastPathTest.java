package io.switchboard.core;

import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.SubscriberStats;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;

import static io.switchboard.core.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The direct first attempt (inline or queued) makes exactly the attempts the delivery policy allows, no more. */
@Timeout(30)
class InlineFastPathTest {

    @Test
    void a_handler_failing_twice_succeeds_on_attempt_three_with_exactly_three_calls() {
        ManualScheduler time = new ManualScheduler();
        AtomicInteger calls = new AtomicInteger();
        try (Switchboard sb = Switchboard.builder().scheduler(time).drainTimeout(Duration.ZERO)
                .trigger(Trigger.builder("t").input("in", "type = 'x'")
                        .subscriber(Subscriber.builder("s").inline()
                                .deliveryPolicy(DeliveryPolicy.builder().maxAttempts(3)
                                        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1).jitter(0).build())
                                .handler(e -> {
                                    if (calls.incrementAndGet() < 3) {
                                        throw new IllegalStateException("not yet");
                                    }
                                }).build()).build())
                .build().start()) {
            sb.publish(event("x")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 1 && time.pendingTasks() > 0);
            time.advance(Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2 && time.pendingTasks() > 0);
            time.advance(Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> sb.runtime().stats("t", "s").delivered() == 1);
            SubscriberStats stats = sb.runtime().stats("t", "s");
            assertThat(calls.get()).isEqualTo(3);
            assertThat(stats.failed()).isEqualTo(2);
            assertThat(stats.retried()).isEqualTo(2);
            assertThat(stats.deadLettered()).isZero();
        }
    }

    @Test
    void a_queued_handler_failing_twice_is_also_called_exactly_three_times() {
        ManualScheduler time = new ManualScheduler();
        AtomicInteger calls = new AtomicInteger();
        try (Switchboard sb = Switchboard.builder().scheduler(time).drainTimeout(Duration.ZERO)
                .trigger(Trigger.builder("t").input("in", "type = 'x'")
                        .subscriber(Subscriber.builder("s")
                                .deliveryPolicy(DeliveryPolicy.builder().maxAttempts(3)
                                        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1).jitter(0).build())
                                .handler(e -> {
                                    if (calls.incrementAndGet() < 3) {
                                        throw new IllegalStateException("not yet");
                                    }
                                }).build()).build())
                .build().start()) {
            sb.publish(event("x")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 1 && time.pendingTasks() > 0);
            time.advance(Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2 && time.pendingTasks() > 0);
            time.advance(Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> sb.runtime().stats("t", "s").delivered() == 1);
            assertThat(calls.get()).isEqualTo(3);
            assertThat(sb.runtime().stats("t", "s").failed()).isEqualTo(2);
        }
    }

    @Test
    void a_handler_that_always_fails_is_called_max_attempts_times_then_dead_lettered() {
        AtomicInteger calls = new AtomicInteger();
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("t").input("in", null)
                        .subscriber(Subscriber.builder("s").inline().deliveryPolicy(DeliveryPolicy.noRetries())
                                .handler(e -> {
                                    calls.incrementAndGet();
                                    throw new IllegalStateException("never");
                                }).build()).build())
                .build().start()) {
            sb.publish(event("x")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> sb.runtime().stats("t", "s").deadLettered() == 1);
            assertThat(calls.get()).isEqualTo(1);
            assertThat(sb.runtime().stats("t", "s").failed()).isEqualTo(1);
        }
    }
}
