package io.switchboard.core.internal.delivery;

import io.cloudevents.CloudEvent;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.Firing;
import io.switchboard.api.NonRetryableException;
import io.switchboard.api.Sink;
import io.switchboard.core.internal.testing.TestEvents;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;

import static io.switchboard.core.internal.delivery.DeliveryFixture.firing;
import static org.assertj.core.api.Assertions.assertThat;

/** Attempts, backoff, jitter, timeouts and dead letters, on driven time. */
class AttemptsTest {

    private final DeliveryFixture f = new DeliveryFixture();
    private final List<Instant> attempts = new CopyOnWriteArrayList<>();
    private final List<Firing> deadLetters = new CopyOnWriteArrayList<>();

    private static DeliveryPolicy.Builder policy(int maxAttempts) {
        return DeliveryPolicy.builder().maxAttempts(maxAttempts)
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0).jitter(0);
    }

    private Sink failingTimes(int failures, RuntimeException error) {
        AtomicInteger calls = new AtomicInteger();
        return Sink.handler(e -> {
            attempts.add(f.scheduler.now());
            if (calls.incrementAndGet() <= failures) {
                throw error;
            }
        });
    }

    private Sink recordDeadLetters() {
        return Sink.firing(deadLetters::add);
    }

    @Test
    void handlerThatSucceedsOnAttemptThreeIsDeliveredAfterExponentialBackoff() {
        DeliveryPipeline p = f.pipeline(failingTimes(2, new IllegalStateException("busy")),
                b -> b.deliveryPolicy(policy(5).build()).deadLetter(recordDeadLetters()));

        CompletableFuture<CloudEvent> stage = p.deliver(firing(TestEvents.event("a", "o1"))).toCompletableFuture();
        assertThat(stage).isNotDone();
        f.advanceMillis(100);
        assertThat(stage).isNotDone();
        f.advanceMillis(200);

        assertThat(stage).isCompletedWithValue(null);
        assertThat(attempts).containsExactly(f.at(0), f.at(100), f.at(300));
        assertThat(f.counters.failed.sum()).isEqualTo(2);
        assertThat(f.counters.retried.sum()).isEqualTo(2);
        assertThat(f.counters.delivered.sum()).isEqualTo(1);
        assertThat(f.counters.deadLettered.sum()).isZero();
        assertThat(deadLetters).isEmpty();
        assertThat(f.scheduler.pendingTasks()).isZero();
    }

    @Test
    void exhaustedRetriesDeadLetterEveryContributingEventWithFailureMetadata() {
        DeliveryPipeline p = f.pipeline(failingTimes(99, new IllegalStateException("warehouse down")),
                b -> b.deliveryPolicy(policy(3).build()).deadLetter(recordDeadLetters()));
        CloudEvent a = TestEvents.event("a", "o1");
        CloudEvent b = TestEvents.event("b", "o1");

        CompletableFuture<CloudEvent> stage = p.deliver(firing(a, b)).toCompletableFuture();
        f.advanceMillis(100);
        f.advanceMillis(200);

        assertThat(stage).isCompletedExceptionally();
        assertThat(stage.handle((v, t) -> t).orTimeout(30, TimeUnit.SECONDS).join()).isInstanceOf(IllegalStateException.class).hasMessage("warehouse down");
        assertThat(attempts).hasSize(3);
        assertThat(deadLetters).hasSize(2);
        for (int i = 0; i < 2; i++) {
            CloudEvent original = i == 0 ? a : b;
            CloudEvent dead = deadLetters.get(i).event();
            assertThat(dead.getId()).isEqualTo(original.getId());
            assertThat(dead.getType()).isEqualTo(original.getType());
            assertThat(dead.getSubject()).isEqualTo(original.getSubject());
            assertThat(dead.getData().toBytes()).isEqualTo(original.getData().toBytes());
            assertThat(dead.getExtension("dlreason")).isEqualTo("exhausted");
            assertThat(dead.getExtension("dlattempts")).isEqualTo(3);
            assertThat(dead.getExtension("dlerror")).isEqualTo("warehouse down");
            assertThat(dead.getExtension("dlerrortype")).isEqualTo("java.lang.IllegalStateException");
            assertThat(dead.getExtension("dltrigger")).isEqualTo("orders");
            assertThat(dead.getExtension("dlsubscriber")).isEqualTo("ship");
            assertThat(dead.getExtension("dlinput")).isEqualTo(i == 0 ? "a" : "b");
            assertThat(dead.getExtension("dlfirstattempt")).isEqualTo(f.at(0).atOffset(ZoneOffset.UTC));
            assertThat(dead.getExtension("dllastattempt")).isEqualTo(f.at(300).atOffset(ZoneOffset.UTC));
            assertThat(deadLetters.get(i).trigger()).isEqualTo("orders");
        }
        assertThat(f.counters.failed.sum()).isEqualTo(3);
        assertThat(f.counters.retried.sum()).isEqualTo(2);
        assertThat(f.counters.deadLettered.sum()).isEqualTo(1);
        assertThat(f.counters.delivered.sum()).isZero();
    }

    @Test
    void nonRetryableFailureGoesStraightToTheDeadLetterSink() {
        DeliveryPipeline p = f.pipeline(failingTimes(99, new NonRetryableException("bad order")),
                b -> b.deliveryPolicy(policy(5).build()).deadLetter(recordDeadLetters()));

        CompletableFuture<CloudEvent> stage = p.deliver(firing(TestEvents.event("a", "o1"))).toCompletableFuture();

        assertThat(stage).isCompletedExceptionally();
        assertThat(attempts).hasSize(1);
        assertThat(deadLetters).singleElement().satisfies(dl -> {
            assertThat(dl.event().getExtension("dlreason")).isEqualTo("nonretryable");
            assertThat(dl.event().getExtension("dlattempts")).isEqualTo(1);
            assertThat(dl.event().getExtension("dlerrortype")).isEqualTo(NonRetryableException.class.getName());
        });
        assertThat(f.counters.retried.sum()).isZero();
    }

    @Test
    void retryPredicateDecidesWhichFailuresRetry() {
        DeliveryPipeline p = f.pipeline(failingTimes(99, new IllegalArgumentException("malformed")),
                b -> b.deliveryPolicy(policy(5).retryOn(t -> !(t instanceof IllegalArgumentException)).build())
                        .deadLetter(recordDeadLetters()));
        p.deliver(firing(TestEvents.event("a", "o1")));
        assertThat(attempts).hasSize(1);
        assertThat(deadLetters.get(0).event().getExtension("dlreason")).isEqualTo("nonretryable");
    }

    @Test
    void attemptThatOutlivesItsTimeoutFailsAndIsRetried() {
        List<CompletableFuture<Void>> calls = new CopyOnWriteArrayList<>();
        Sink hanging = Sink.async(e -> {
            attempts.add(f.scheduler.now());
            CompletableFuture<Void> never = new CompletableFuture<>();
            calls.add(never);
            return never;
        });
        DeliveryPipeline p = f.pipeline(hanging, b -> b.deliveryPolicy(policy(2).attemptTimeout(Duration.ofSeconds(1))
                .build()).deadLetter(recordDeadLetters()));

        CompletableFuture<CloudEvent> stage = p.deliver(firing(TestEvents.event("a", "o1"))).toCompletableFuture();
        f.advanceMillis(1000);
        assertThat(attempts).containsExactly(f.at(0));
        f.advanceMillis(100);
        assertThat(attempts).containsExactly(f.at(0), f.at(1100));
        calls.get(0).complete(null); // a late success of a timed-out attempt changes nothing
        assertThat(stage).isNotDone();
        f.advanceMillis(1000);

        assertThat(stage).isCompletedExceptionally();
        assertThat(stage.handle((v, t) -> t).orTimeout(30, TimeUnit.SECONDS).join()).isInstanceOf(TimeoutException.class);
        CloudEvent dead = deadLetters.get(0).event();
        assertThat(dead.getExtension("dlerrortype")).isEqualTo(TimeoutException.class.getName());
        assertThat((String) dead.getExtension("dlerror")).contains("attempt 2 of subscriber 'ship' of trigger 'orders'")
                .contains("did not finish within PT1S");
        assertThat(f.counters.delivered.sum()).isZero();
        assertThat(f.scheduler.pendingTasks()).isZero();
    }

    @Test
    void jitterSpreadsBackoffAndNeverExceedsTheCap() {
        DeliveryPolicy jittery = DeliveryPolicy.builder().maxAttempts(3)
                .backoff(Duration.ofMillis(100), Duration.ofMillis(120), 2.0).jitter(0.5).build();
        DeliveryPipeline low = f.pipeline(failingTimes(99, new IllegalStateException("x")),
                b -> b.deliveryPolicy(jittery), () -> 0.0);
        low.deliver(firing(TestEvents.event("a", "o1")));
        f.advanceMillis(50);   // 100 ms * (1 - 0.5)
        f.advanceMillis(60);   // 120 ms (capped 200) * 0.5
        assertThat(attempts).containsExactly(f.at(0), f.at(50), f.at(110));

        attempts.clear();
        DeliveryPipeline high = f.pipeline(failingTimes(99, new IllegalStateException("x")),
                b -> b.deliveryPolicy(jittery), () -> 0.99);
        high.deliver(firing(TestEvents.event("a", "o1")));
        f.advanceMillis(1000);
        assertThat(attempts).containsExactly(f.at(110), f.at(230), f.at(350)); // 149 ms and 298 ms capped at 120 ms
    }

    @Test
    void seededJitterIsReproducible() {
        DeliveryPolicy jittery = DeliveryPolicy.builder().maxAttempts(4)
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0).jitter(0.3).build();
        List<List<Long>> runs = new java.util.ArrayList<>();
        for (int run = 0; run < 2; run++) {
            DeliveryFixture fixture = new DeliveryFixture();
            List<Long> offsets = new CopyOnWriteArrayList<>();
            Random seeded = new Random(7);
            DeliveryPipeline p = fixture.pipeline(Sink.handler(e -> {
                offsets.add(Duration.between(DeliveryFixture.T0, fixture.scheduler.now()).toNanos());
                throw new IllegalStateException("x");
            }), b -> b.deliveryPolicy(jittery), seeded::nextDouble);
            p.deliver(firing(TestEvents.event("a", "o1")));
            fixture.scheduler.advance(Duration.ofSeconds(5));
            runs.add(offsets);
        }
        assertThat(runs.get(0)).hasSize(4).isEqualTo(runs.get(1));
        assertThat(runs.get(0).get(1)).isBetween(70_000_000L, 130_000_000L).isNotEqualTo(100_000_000L);
    }

    @Test
    void withoutDeadLetterSinkTheFailureIsCountedAndTheStageFails() {
        DeliveryPipeline p = f.pipeline(failingTimes(99, new IllegalStateException("down")),
                b -> b.deliveryPolicy(DeliveryPolicy.noRetries()));
        CompletableFuture<CloudEvent> stage = p.deliver(firing(TestEvents.event("a", "o1"))).toCompletableFuture();
        assertThat(stage.handle((v, t) -> t).orTimeout(30, TimeUnit.SECONDS).join()).isInstanceOf(IllegalStateException.class).hasMessage("down");
        assertThat(f.counters.deadLettered.sum()).isEqualTo(1);
        assertThat(f.counters.failed.sum()).isEqualTo(1);
    }

    @Test
    void failingDeadLetterSinkLeavesTheEventUnsettled() {
        DeliveryPipeline p = f.pipeline(failingTimes(99, new IllegalStateException("down")),
                b -> b.deliveryPolicy(DeliveryPolicy.noRetries()).deadLetter(Sink.handler(e -> {
                    throw new IllegalStateException("dlq down");
                })));
        CompletableFuture<CloudEvent> stage = p.deliver(firing(TestEvents.event("a", "o1"))).toCompletableFuture();
        Throwable failure = stage.handle((v, t) -> t).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(failure).isInstanceOf(DeadLetterException.class).hasMessageContaining("dlq down")
                .hasRootCauseMessage("dlq down");
        assertThat(failure.getSuppressed()).singleElement().satisfies(s -> assertThat(s).hasMessage("down"));
    }

    @Test
    void topicSinkRepublishesTheTransformedEventAndTopicDeadLetterReceivesFailures() {
        DeliveryPipeline ok = f.pipeline(Sink.topic("audit", "shipped",
                        e -> io.cloudevents.core.builder.CloudEventBuilder.v1(e).withType("order.shipped").build()),
                b -> b);
        CloudEvent e = TestEvents.event("a", "o1");
        assertThat(ok.deliver(firing(e)).toCompletableFuture()).isCompletedWithValue(null);
        assertThat(f.published).singleElement().satisfies(pub -> {
            assertThat(pub.bus()).isEqualTo("audit");
            assertThat(pub.topic()).isEqualTo("shipped");
            assertThat(pub.event().getType()).isEqualTo("order.shipped");
            assertThat(pub.event().getId()).isEqualTo(e.getId());
        });
        f.published.clear();

        DeliveryPipeline failing = f.pipeline(failingTimes(99, new IllegalStateException("down")),
                b -> b.deliveryPolicy(DeliveryPolicy.noRetries()).deadLetter(Sink.topic("orders.dlq")));
        failing.deliver(firing(e));
        assertThat(f.published).singleElement().satisfies(pub -> {
            assertThat(pub.bus()).isNull();
            assertThat(pub.topic()).isEqualTo("orders.dlq");
            assertThat(pub.event().getExtension("dlreason")).isEqualTo("exhausted");
        });
    }

    @Test
    void replyingSinkCompletesTheStageWithItsReply() {
        CloudEvent reply = TestEvents.event("reply", "o1");
        DeliveryPipeline p = f.pipeline(Sink.replying(e -> reply), b -> b);
        assertThat(p.deliver(firing(TestEvents.event("a", "o1"))).toCompletableFuture()).isCompletedWithValue(reply);
    }

    @Test
    void closeWaitsForRetriesInFlightAndLaterFiringsAreStillDelivered() {
        DeliveryPipeline p = f.pipeline(failingTimes(1, new IllegalStateException("once")),
                b -> b.deliveryPolicy(policy(3).build()));
        CompletableFuture<CloudEvent> stage = p.deliver(firing(TestEvents.event("a", "o1"))).toCompletableFuture();
        CompletableFuture<Void> closed = p.close().toCompletableFuture();
        assertThat(closed).isNotDone();
        f.advanceMillis(100);
        assertThat(stage).isCompletedWithValue(null);
        assertThat(closed).isCompleted();
        assertThat(p.deliver(firing(TestEvents.event("a", "late"))).toCompletableFuture()).isCompletedWithValue(null);
        assertThat(attempts).hasSize(3);
    }
}
