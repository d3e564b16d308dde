package io.switchboard.core;

import io.cloudevents.CloudEvent;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.SubscriberStats;
import io.switchboard.api.Trigger;
import io.switchboard.core.bus.InMemoryEventBus;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;

import static io.switchboard.core.internal.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When the runtime acknowledges bus events, end to end through a {@link Switchboard} on the in-memory bus with driven
 * time: batching and debounce subscribers acknowledge on acceptance into their buffer (so same-key events combine),
 * and an event whose dead-letter sink failed stays unacknowledged and is redelivered.
 */
@Timeout(30)
class AcknowledgementTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final ManualScheduler time = new ManualScheduler();
    private final InMemoryEventBus bus = InMemoryEventBus.builder().scheduler(time)
            .redeliveryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).build();

    private Switchboard start(Subscriber subscriber) {
        return Switchboard.builder().bus(bus).scheduler(time).drainTimeout(Duration.ofSeconds(5))
                .trigger(Trigger.builder("t").input("in", "type = 'x'").subscriber(subscriber).build())
                .build().start();
    }

    /** Every published event was handed to the subscriber and acknowledged. */
    private void awaitAcknowledged(Switchboard sb, long fired) {
        await().atMost(PATIENCE).until(() -> bus.pending() == 0 && sb.runtime().stats("t", "s").fired() == fired);
    }

    @Test
    void three_same_key_events_make_one_batch_of_three() {
        List<Firing> batches = new CopyOnWriteArrayList<>();
        try (Switchboard sb = start(Subscriber.builder("s").batch(10, Duration.ofSeconds(5))
                .sink(Sink.firing(batches::add)).build())) {
            List<CloudEvent> events = List.of(event("x", "same"), event("x", "same"), event("x", "same"));
            for (CloudEvent e : events) {
                sb.publish(e).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            }
            awaitAcknowledged(sb, 3);
            assertThat(batches).as("the batch waits for its size or time").isEmpty();

            time.advance(Duration.ofSeconds(5));
            await().atMost(PATIENCE).until(() -> sb.runtime().stats("t", "s").delivered() == 3);
            assertThat(batches).singleElement().satisfies(b -> assertThat(b.batch()).extracting(CloudEvent::getId)
                    .containsExactlyElementsOf(events.stream().map(CloudEvent::getId).toList()));
        }
    }

    @Test
    void three_same_key_events_one_second_apart_debounce_to_one_firing_of_the_last() {
        List<Firing> firings = new CopyOnWriteArrayList<>();
        try (Switchboard sb = start(Subscriber.builder("s").debounce(Duration.ofSeconds(5))
                .sink(Sink.firing(firings::add)).build())) {
            CloudEvent last = null;
            for (int i = 1; i <= 3; i++) {
                last = event("x", "same");
                sb.publish(last).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
                awaitAcknowledged(sb, i);
                time.advance(Duration.ofSeconds(1));
            }
            assertThat(firings).as("still within the quiet period of the last event").isEmpty();

            time.advance(Duration.ofSeconds(4));
            await().atMost(PATIENCE).until(() -> firings.size() == 1);
            assertThat(firings.get(0).event().getId()).isEqualTo(last.getId());
            SubscriberStats stats = sb.runtime().stats("t", "s");
            assertThat(stats.fired()).isEqualTo(3);
            assertThat(stats.delivered()).isEqualTo(1);
            time.advance(Duration.ofSeconds(10));
            assertThat(firings).hasSize(1);
        }
    }

    @Test
    void close_flushes_an_open_batch_that_was_already_acknowledged() {
        List<Firing> batches = new CopyOnWriteArrayList<>();
        Switchboard sb = start(Subscriber.builder("s").batch(10, Duration.ofSeconds(5))
                .sink(Sink.firing(batches::add)).build());
        sb.publish(event("x", "a")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        sb.publish(event("x", "b")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        awaitAcknowledged(sb, 2);

        DrainReport report = sb.shutdown();
        assertThat(batches).singleElement().satisfies(b -> assertThat(b.batch()).hasSize(2));
        assertThat(report.complete()).isTrue();
    }

    @ParameterizedTest(name = "inline = {0}")
    @ValueSource(booleans = {false, true})
    void an_event_whose_dead_letter_sink_failed_is_redelivered_and_dead_lettered_once(boolean inline) {
        AtomicInteger handled = new AtomicInteger();
        AtomicInteger deadLetterCalls = new AtomicInteger();
        List<CloudEvent> parked = new CopyOnWriteArrayList<>();
        Subscriber.Builder builder = Subscriber.builder("s");
        if (inline) {
            builder.inline();
        }
        try (Switchboard sb = start(builder.deliveryPolicy(DeliveryPolicy.noRetries())
                .handler(e -> {
                    handled.incrementAndGet();
                    throw new IllegalStateException("handler down");
                })
                .deadLetter(Sink.handler(e -> {
                    if (deadLetterCalls.incrementAndGet() == 1) {
                        throw new IllegalStateException("dead-letter sink down");
                    }
                    parked.add(e);
                })).build())) {
            CloudEvent e = event("x", "k");
            sb.publish(e).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            await().atMost(PATIENCE).until(() -> deadLetterCalls.get() == 1 && time.pendingTasks() > 0);
            assertThat(bus.pending()).as("left unacknowledged").isEqualTo(1);
            assertThat(parked).isEmpty();
            assertThat(sb.runtime().stats("t", "s").deadLettered()).isZero();

            time.advance(Duration.ofSeconds(1)); // the bus's redelivery backoff
            await().atMost(PATIENCE).until(() -> bus.pending() == 0);
            assertThat(parked).singleElement().satisfies(p -> assertThat(p.getId()).isEqualTo(e.getId()));
            assertThat(bus.redelivered()).isEqualTo(1);
            SubscriberStats stats = sb.runtime().stats("t", "s");
            assertThat(handled.get()).isEqualTo(2);
            assertThat(stats.received()).isEqualTo(2);
            assertThat(stats.failed()).isEqualTo(2);
            assertThat(stats.deadLettered()).isEqualTo(1);
            assertThat(stats.delivered()).isZero();
            assertThat(deadLetterCalls.get()).isEqualTo(2);
        }
    }
}
