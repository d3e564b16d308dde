package io.switchboard.core.internal.delivery;

import io.cloudevents.CloudEvent;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.core.internal.testing.TestEvents;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.switchboard.core.internal.delivery.DeliveryFixture.firing;
import static org.assertj.core.api.Assertions.assertThat;

/** Rate limit, batching and debounce, on driven time. */
class FlowControlTest {

    private final DeliveryFixture f = new DeliveryFixture();
    private final List<Firing> received = new CopyOnWriteArrayList<>();
    private final List<Instant> times = new CopyOnWriteArrayList<>();

    private Sink recording() {
        return Sink.firing(firing -> {
            received.add(firing);
            times.add(f.scheduler.now());
        });
    }

    @Test
    void rateLimitIsNeverExceededAcrossABurstAndNothingIsDropped() {
        Subscriber.RateLimit limit = new Subscriber.RateLimit(5, Duration.ofSeconds(1), 3);
        DeliveryPipeline p = f.pipeline(recording(), b -> b.rateLimit(limit));
        List<CompletableFuture<CloudEvent>> stages = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            stages.add(p.deliver(firing(TestEvents.event("a", "k" + i))).toCompletableFuture());
        }
        f.advanceMillis(1500);
        for (int i = 0; i < 20; i++) { // a second burst while the first is still draining
            stages.add(p.deliver(firing(TestEvents.event("a", "late" + i))).toCompletableFuture());
        }
        for (int step = 0; step < 400; step++) {
            f.advanceMillis(37);
        }

        assertThat(stages).allSatisfy(s -> assertThat(s).isCompletedWithValue(null));
        assertThat(received).hasSize(60);
        assertThat(received.subList(0, 40)).extracting(r -> r.event().getSubject())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 40).mapToObj(i -> "k" + i).toList());
        assertBucketHolds(times, limit);
        assertThat(times.subList(0, 3)).as("the burst goes through at once").containsOnly(f.at(0));
    }

    @Test
    void rateLimitAlsoPacesRetries() {
        Subscriber.RateLimit limit = new Subscriber.RateLimit(1, Duration.ofSeconds(1), 1);
        List<Instant> attempts = new CopyOnWriteArrayList<>();
        DeliveryPipeline p = f.pipeline(Sink.handler(e -> {
            attempts.add(f.scheduler.now());
            throw new IllegalStateException("x");
        }), b -> b.rateLimit(limit).deliveryPolicy(DeliveryPolicy.builder().maxAttempts(3)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(10), 1.0).jitter(0).build()));
        p.deliver(firing(TestEvents.event("a", "k")));
        f.advanceMillis(5000);
        assertThat(attempts).containsExactly(f.at(0), f.at(1000), f.at(2000));
    }

    /** In every span of time e, at most burst + floor(e / interval) deliveries. */
    private static void assertBucketHolds(List<Instant> times, Subscriber.RateLimit limit) {
        long interval = limit.period().toNanos() / limit.permits();
        for (int i = 0; i < times.size(); i++) {
            for (int j = i; j < times.size(); j++) {
                long span = Duration.between(times.get(i), times.get(j)).toNanos();
                assertThat(j - i + 1L).as("deliveries %d..%d within %d ns", i, j, span)
                        .isLessThanOrEqualTo(limit.burst() + span / interval);
            }
        }
    }

    @Test
    void batchIsSentWhenFull() {
        DeliveryPipeline p = f.pipeline(recording(), b -> b.batch(3, Duration.ofSeconds(1)));
        List<CloudEvent> events = List.of(TestEvents.event("a", "1"), TestEvents.event("b", "2"), TestEvents.event("a", "3"));
        List<CompletableFuture<CloudEvent>> stages = new ArrayList<>();
        for (CloudEvent e : events.subList(0, 2)) {
            stages.add(p.deliver(firing(e)).toCompletableFuture());
        }
        assertThat(received).isEmpty();
        assertThat(stages).noneMatch(CompletableFuture::isDone);
        stages.add(p.deliver(firing(events.get(2))).toCompletableFuture());

        assertThat(received).singleElement().satisfies(batch -> {
            assertThat(batch.batch()).containsExactlyElementsOf(events);
            assertThat(batch.event()).isSameAs(events.get(2));
        });
        assertThat(stages).allSatisfy(s -> assertThat(s).isCompletedWithValue(null));
        assertThat(f.counters.delivered.sum()).isEqualTo(3);
        assertThat(f.scheduler.pendingTasks()).as("the wait timer was cancelled").isZero();
    }

    @Test
    void batchIsSentAfterMaxWaitWithWhatHasArrived() {
        DeliveryPipeline p = f.pipeline(recording(), b -> b.batch(10, Duration.ofSeconds(1)));
        CompletableFuture<CloudEvent> first = p.deliver(firing(TestEvents.event("a", "1"))).toCompletableFuture();
        f.advanceMillis(600);
        CompletableFuture<CloudEvent> second = p.deliver(firing(TestEvents.event("a", "2"))).toCompletableFuture();
        f.advanceMillis(399);
        assertThat(received).isEmpty();
        f.advanceMillis(1);

        assertThat(received).singleElement().satisfies(batch -> assertThat(batch.batch()).hasSize(2));
        assertThat(times).containsExactly(f.at(1000));
        assertThat(first).isCompleted();
        assertThat(second).isCompleted();

        CompletableFuture<CloudEvent> third = p.deliver(firing(TestEvents.event("a", "3"))).toCompletableFuture();
        f.advanceMillis(1000);
        assertThat(received).hasSize(2);
        assertThat(times.get(1)).as("the next batch's wait starts at its first firing").isEqualTo(f.at(2000));
        assertThat(third).isCompleted();
    }

    @Test
    void closeFlushesTheOpenBatch() {
        DeliveryPipeline p = f.pipeline(recording(), b -> b.batch(10, Duration.ofSeconds(1)));
        CompletableFuture<CloudEvent> stage = p.deliver(firing(TestEvents.event("a", "1"))).toCompletableFuture();
        CompletableFuture<Void> closed = p.close().toCompletableFuture();

        assertThat(received).singleElement().satisfies(batch -> assertThat(batch.batch()).hasSize(1));
        assertThat(stage).isCompleted();
        assertThat(closed).isCompleted();
        assertThat(f.scheduler.pendingTasks()).isZero();
    }

    @Test
    void failedBatchFailsEveryConstituentAndDeadLettersEveryEvent() {
        List<Firing> dead = new CopyOnWriteArrayList<>();
        DeliveryPipeline p = f.pipeline(Sink.firing(batch -> {
            throw new IllegalStateException("bulk insert failed");
        }), b -> b.batch(2, Duration.ofSeconds(1)).deliveryPolicy(DeliveryPolicy.noRetries())
                .deadLetter(Sink.firing(dead::add)));
        CloudEvent e1 = TestEvents.event("a", "1");
        CloudEvent e2 = TestEvents.event("a", "2");
        CompletableFuture<CloudEvent> s1 = p.deliver(firing(e1)).toCompletableFuture();
        CompletableFuture<CloudEvent> s2 = p.deliver(firing(e2)).toCompletableFuture();

        assertThat(s1).isCompletedExceptionally();
        assertThat(s2).isCompletedExceptionally();
        assertThat(dead).extracting(d -> d.event().getId()).containsExactly(e1.getId(), e2.getId());
        assertThat(f.counters.deadLettered.sum()).isEqualTo(2);
        assertThat(f.counters.failed.sum()).isEqualTo(1);
    }

    @Test
    void debounceDeliversOnlyTheLastFiringOfAKeyAfterTheQuietPeriod() {
        DeliveryPipeline p = f.pipeline(recording(), b -> b.debounce(Duration.ofSeconds(1)));
        CloudEvent v1 = TestEvents.event("a", "sensor-1");
        CloudEvent v2 = TestEvents.event("a", "sensor-1");
        CloudEvent other = TestEvents.event("a", "sensor-2");
        CompletableFuture<CloudEvent> s1 = p.deliver(firing(v1)).toCompletableFuture();
        f.advanceMillis(500);
        CompletableFuture<CloudEvent> s2 = p.deliver(firing(v2)).toCompletableFuture();
        CompletableFuture<CloudEvent> s3 = p.deliver(firing(other)).toCompletableFuture();
        f.advanceMillis(999);
        assertThat(received).isEmpty();
        assertThat(s1).as("a superseded firing completes when its replacement finished").isNotDone();
        f.advanceMillis(1);

        assertThat(received).extracting(Firing::event).containsExactlyInAnyOrder(v2, other);
        assertThat(times).containsOnly(f.at(1500));
        assertThat(s1).isCompletedWithValue(null);
        assertThat(s2).isCompletedWithValue(null);
        assertThat(s3).isCompletedWithValue(null);
        assertThat(f.counters.superseded.sum()).isEqualTo(1);
        assertThat(f.counters.delivered.sum()).isEqualTo(2);
    }

    @Test
    void debouncedFiringThatFailsDeadLettersOnlyTheLastEvent() {
        List<Firing> dead = new CopyOnWriteArrayList<>();
        DeliveryPipeline p = f.pipeline(Sink.handler(e -> {
            throw new IllegalStateException("x");
        }), b -> b.debounce(Duration.ofSeconds(1)).deliveryPolicy(DeliveryPolicy.noRetries())
                .deadLetter(Sink.firing(dead::add)));
        CloudEvent v1 = TestEvents.event("a", "k");
        CloudEvent v2 = TestEvents.event("a", "k");
        CompletableFuture<CloudEvent> s1 = p.deliver(firing(v1)).toCompletableFuture();
        CompletableFuture<CloudEvent> s2 = p.deliver(firing(v2)).toCompletableFuture();
        f.advanceMillis(1000);
        assertThat(dead).extracting(d -> d.event().getId()).containsExactly(v2.getId());
        assertThat(s1).isCompletedWithValue(null);
        assertThat(s2).isCompletedExceptionally();
    }

    @Test
    void closeFlushesDebouncedFiringsWithoutWaitingForQuiet() {
        DeliveryPipeline p = f.pipeline(recording(), b -> b.debounce(Duration.ofMinutes(5)));
        CloudEvent e = TestEvents.event("a", "k");
        CompletableFuture<CloudEvent> stage = p.deliver(firing(e)).toCompletableFuture();
        CompletableFuture<Void> closed = p.close().toCompletableFuture();
        assertThat(received).extracting(Firing::event).containsExactly(e);
        assertThat(stage).isCompleted();
        assertThat(closed).isCompleted();
        assertThat(f.scheduler.pendingTasks()).isZero();
    }
}
