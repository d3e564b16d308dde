package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.FullQueuePolicy;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.switchboard.core.internal.dispatch.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AsyncDispatchTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void events_of_one_key_are_handled_in_order_while_keys_run_in_parallel() throws Exception {
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        AtomicInteger concurrent = new AtomicInteger(), maxConcurrent = new AtomicInteger();
        SubscriberDispatch d = Fixtures.dispatch(Subscriber.builder("s").concurrency(4).queueCapacity(100_000)
                .handler(e -> {
                    int now = concurrent.incrementAndGet();
                    maxConcurrent.accumulateAndGet(now, Math::max);
                    seen.computeIfAbsent(e.getSubject(), k -> Collections.synchronizedList(new ArrayList<>()))
                            .add((Integer) e.getExtension("seq"));
                    concurrent.decrementAndGet();
                }).build(), executor);
        TopicRouter router = Fixtures.router(d);
        ExecutorService publishers = Executors.newFixedThreadPool(4);
        int keys = 16, perKey = 500;
        for (int p = 0; p < 4; p++) {
            int first = p;
            publishers.execute(() -> {
                for (int k = first; k < keys; k += 4) {
                    for (int i = 0; i < perKey; i++) {
                        CloudEvent e = io.cloudevents.core.builder.CloudEventBuilder.v1(event("t", "key" + k))
                                .withExtension("seq", i).build();
                        router.deliver(e);
                    }
                }
            });
        }
        publishers.shutdown();
        assertThat(publishers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> d.counters().delivered.sum() == keys * perKey);
        assertThat(seen).hasSize(keys);
        for (List<Integer> perKeySeen : seen.values()) {
            assertThat(perKeySeen).hasSize(perKey).isSorted();
        }
        assertThat(maxConcurrent.get()).isLessThanOrEqualTo(4);
    }

    @Test
    void two_keys_are_in_their_handlers_at_the_same_time() throws Exception {
        // each key's first event waits inside the handler until the other key's has arrived there too: this can
        // only succeed if the two keys really run in parallel (a serialising dispatch would time both out)
        CountDownLatch bothInside = new CountDownLatch(2);
        Map<String, Boolean> metTheOther = new ConcurrentHashMap<>();
        SubscriberDispatch d = Fixtures.dispatch(Subscriber.builder("s").concurrency(2).queueCapacity(16)
                .handler(e -> {
                    bothInside.countDown();
                    metTheOther.put(e.getSubject(), bothInside.await(10, TimeUnit.SECONDS));
                }).build(), executor);
        TopicRouter router = Fixtures.router(d);

        router.deliver(event("t", "a"));
        router.deliver(event("t", "b"));

        await().atMost(Duration.ofSeconds(30)).until(() -> metTheOther.size() == 2);
        assertThat(metTheOther).containsEntry("a", true).containsEntry("b", true);
    }

    @Test
    void an_ordering_extension_orders_by_its_value() {
        List<Object> seen = Collections.synchronizedList(new ArrayList<>());
        SubscriberDispatch d = Fixtures.dispatch(Subscriber.builder("s").orderingKey("orderid").concurrency(3)
                .handler(e -> seen.add(e.getExtension("seq"))).build(), executor);
        TopicRouter router = Fixtures.router(d);
        for (int i = 0; i < 300; i++) {
            router.deliver(io.cloudevents.core.builder.CloudEventBuilder.v1(event("t", null))
                    .withExtension("orderid", "o1").withExtension("seq", i).build());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 300);
        assertThat(seen).isSortedAccordingTo((a, b) -> Integer.compare((Integer) a, (Integer) b));
    }

    @Test
    void the_event_stage_completes_only_after_the_async_handler_finished() {
        CompletableFuture<Void> handler = new CompletableFuture<>();
        SubscriberDispatch d = Fixtures.dispatch(Subscriber.builder("s").sink(Sink.async(e -> handler))
                .deliveryPolicy(DeliveryPolicy.noRetries()).build(), executor);
        CompletionStage<Void> ack = Fixtures.router(d).deliver(event("t", "k"));
        await().pollDelay(Duration.ofMillis(50)).atMost(Duration.ofSeconds(1))
                .until(() -> !ack.toCompletableFuture().isDone());
        handler.complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> ack.toCompletableFuture().isDone());
        assertThat(ack.toCompletableFuture()).isCompleted();
    }

    @Test
    void full_queue_with_fail_policy_rejects_naming_the_subscriber_and_the_fix() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
        SubscriberDispatch d = Fixtures.dispatch(Subscriber.builder("slow").concurrency(1).queueCapacity(1)
                .whenFull(FullQueuePolicy.fail()).handler(e -> {
                    entered.countDown();
                    release.await(30, TimeUnit.SECONDS);
                }).build(), executor);
        TopicRouter router = Fixtures.router(d);
        CompletionStage<Void> first = router.deliver(event("t", "k"));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        CompletionStage<Void> second = router.deliver(event("t", "k"));
        CompletionStage<Void> secondB = router.deliver(event("t", "k")); // the smallest lane holds two
        assertThat(d.queueDepth()).isEqualTo(2);
        CompletionStage<Void> third = router.deliver(event("t", "k"));
        assertThatThrownBy(() -> third.toCompletableFuture().get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(PublishRejectedException.class)
                .hasMessageContaining("subscriber 'slow' of trigger 't' is full")
                .hasMessageContaining("queueCapacity(").hasMessageContaining("policy: fail at once");
        assertThat(d.counters().rejected.sum()).isEqualTo(1);
        assertThat(d.counters().snapshot("t", "slow").rejected()).isEqualTo(1);
        release.countDown();
        first.toCompletableFuture().get(5, TimeUnit.SECONDS);
        second.toCompletableFuture().get(5, TimeUnit.SECONDS);
        secondB.toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(d.counters().delivered.sum()).isEqualTo(3);
    }

    @Test
    void full_queue_with_block_policy_waits_for_room_then_fails_after_its_timeout() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
        SubscriberDispatch d = Fixtures.dispatch(Subscriber.builder("slow").concurrency(1).queueCapacity(1)
                .whenFull(FullQueuePolicy.block(Duration.ofMillis(100))).handler(e -> {
                    entered.countDown();
                    release.await(30, TimeUnit.SECONDS);
                }).build(), executor);
        TopicRouter router = Fixtures.router(d);
        router.deliver(event("t", "k"));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        router.deliver(event("t", "k"));
        router.deliver(event("t", "k"));
        CompletionStage<Void> third = router.deliver(event("t", "k")); // blocks up to 100 ms, then fails
        assertThatThrownBy(() -> third.toCompletableFuture().get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(PublishRejectedException.class).hasMessageContaining("no room freed within PT0.1S");
        assertThat(d.counters().rejected.sum()).isEqualTo(1);

        // with room freed while waiting, the blocked publish succeeds
        SubscriberDispatch patient = Fixtures.dispatch(Subscriber.builder("patient").concurrency(1).queueCapacity(1)
                .whenFull(FullQueuePolicy.block(Duration.ofSeconds(30))).handler(e -> release.await()).build(), executor);
        TopicRouter router2 = Fixtures.router(patient);
        router2.deliver(event("t", "k"));
        await().atMost(Duration.ofSeconds(5)).until(() -> patient.queueDepth() == 0);
        router2.deliver(event("t", "k"));
        router2.deliver(event("t", "k"));
        Thread releaser = new Thread(() -> {
            await().atMost(Duration.ofSeconds(5)).until(() -> patient.queueDepth() == 2);
            release.countDown();
        });
        releaser.start();
        CompletionStage<Void> waited = router2.deliver(event("t", "k"));
        waited.toCompletableFuture().get(10, TimeUnit.SECONDS);
        releaser.join(30_000);
        assertThat(releaser.isAlive()).as("thread " + releaser.getName() + " finished within 30 s").isFalse();
        assertThat(patient.counters().rejected.sum()).isZero();
    }

    @Test
    void a_throwing_handler_neither_reaches_the_publisher_nor_other_subscribers() throws Exception {
        List<String> good = Collections.synchronizedList(new ArrayList<>());
        SubscriberDispatch bad = Fixtures.dispatch(Subscriber.builder("bad").deliveryPolicy(DeliveryPolicy.noRetries())
                .handler(e -> { throw new IllegalStateException("handler bug"); }).build(), executor);
        SubscriberDispatch badInline = Fixtures.dispatch(Subscriber.builder("badInline").inline()
                .deliveryPolicy(DeliveryPolicy.noRetries())
                .handler(e -> { throw new Error("worse bug"); }).build(), executor);
        SubscriberDispatch ok = Fixtures.dispatch(Subscriber.builder("ok").handler(e -> good.add(e.getId())).build(), executor);
        TopicRouter router = new TopicRouter("default", "app");
        router.table(RoutingTable.of(List.of(new Route("t", "in", InputFilter.ALL,
                new SubscriberDispatch[]{bad, badInline, ok}))));
        for (int i = 0; i < 10; i++) {
            router.deliver(event("t", "k" + i)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        assertThat(good).hasSize(10);
        assertThat(bad.counters().failed.sum()).isEqualTo(10);
        assertThat(badInline.counters().failed.sum()).isEqualTo(10);
        assertThat(ok.counters().delivered.sum()).isEqualTo(10);
    }
}
