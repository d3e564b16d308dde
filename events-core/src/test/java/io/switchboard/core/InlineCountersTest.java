package io.switchboard.core;

import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.Subscriber;
import io.switchboard.api.SubscriberStats;
import io.switchboard.api.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;

import static io.switchboard.core.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The inline fast path counts a successful event once ({@code completedInline}); the statistics must still show every
 * event exactly as received, matched, fired and delivered, mixed with filtered-out and failing events.
 */
@Timeout(30)
class InlineCountersTest {

    @Test
    void statistics_are_exact_after_fast_path_filtered_out_and_failing_events() {
        AtomicInteger calls = new AtomicInteger();
        try (Switchboard sb = Switchboard.builder().drainTimeout(Duration.ZERO)
                .trigger(Trigger.builder("t").input("in", "type = 'x' AND subject <> 'skip'")
                        .subscriber(Subscriber.builder("s").inline()
                                .deliveryPolicy(DeliveryPolicy.builder().maxAttempts(1).build())
                                .handler(e -> {
                                    calls.incrementAndGet();
                                    if ("bad".equals(e.getSubject())) {
                                        throw new IllegalStateException("refused " + e.getId());
                                    }
                                }).build()).build())
                .build().start()) {
            String[] subjects = {"ok", "skip", "bad", "ok", "skip", "ok", "bad", "skip", "skip"};
            for (String subject : subjects) {
                sb.publish(event("x", "/test", subject)).toCompletableFuture().exceptionally(t -> null).orTimeout(30, TimeUnit.SECONDS).join();
            }
            sb.publish(event("y", "/test", "ok")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 5
                    && sb.runtime().stats("t", "s").delivered() + sb.runtime().stats("t", "s").failed() == 5);
            SubscriberStats stats = sb.runtime().stats("t", "s");
            assertThat(stats.received()).as("received").isEqualTo(9);
            assertThat(stats.matched()).as("matched").isEqualTo(5);
            assertThat(stats.fired()).as("fired").isEqualTo(5);
            assertThat(stats.delivered()).as("delivered").isEqualTo(3);
            assertThat(stats.failed()).as("failed").isEqualTo(2);
        }
    }
}
