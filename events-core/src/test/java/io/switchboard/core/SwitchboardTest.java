package io.switchboard.core;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.EventSource;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.RequestFailedException;
import io.switchboard.api.Sink;
import io.switchboard.api.SourceContext;
import io.switchboard.api.Subscriber;
import io.switchboard.api.SubscriberStats;
import io.switchboard.api.Trigger;
import io.switchboard.core.bus.InMemoryEventBus;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.switchboard.core.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@org.junit.jupiter.api.Timeout(30)
class SwitchboardTest {

    @Test
    void routes_published_events_to_the_handler_whose_filter_matches() {
        List<String> created = new CopyOnWriteArrayList<>(), paid = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("created").input("in", "type = 'order.created'")
                        .subscriber("h", null, Sink.handler(e -> created.add(e.getId()))).build())
                .trigger(Trigger.builder("paid").input("in", "type = 'order.paid'")
                        .subscriber("h", null, Sink.handler(e -> paid.add(e.getId()))).build())
                .build().start()) {
            CloudEvent c = event("order.created"), p = event("order.paid"), other = event("other");
            sb.publish(c).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            sb.publish(p).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            sb.publish(other).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> created.size() == 1 && paid.size() == 1);
            assertThat(created).containsExactly(c.getId());
            assertThat(paid).containsExactly(p.getId());
            SubscriberStats stats = sb.runtime().stats("created", "h");
            assertThat(stats.matched()).isEqualTo(1);
            assertThat(stats.fired()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> sb.runtime().stats("created", "h").delivered() == 1);
        }
    }

    @Test
    void application_events_follow_the_buses_their_triggers_read_as_triggers_change() {
        List<String> onDefault = new CopyOnWriteArrayList<>(), onOther = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder().bus("other", InMemoryEventBus.builder().build())
                .trigger(Trigger.builder("a").input("in", "type = 'x'")
                        .subscriber(Subscriber.builder("h").inline().handler(e -> onDefault.add(e.getId())).build())
                        .build())
                .build().start()) {
            sb.publish(event("x")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> onDefault.size() == 1);

            sb.addTrigger(Trigger.builder("b").bus("other").input("in", "type = 'x'")
                    .subscriber(Subscriber.builder("h").inline().handler(e -> onOther.add(e.getId())).build())
                    .build());
            sb.publish(event("x")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> onDefault.size() == 2 && onOther.size() == 1);

            sb.removeTrigger("a").toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            sb.publish(event("x")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> onOther.size() == 2);
            assertThat(onDefault).hasSize(2);
            sb.close();
            assertThatThrownBy(() -> sb.publish(event("x")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join())
                    .hasCauseInstanceOf(PublishRejectedException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void publish_before_start_is_rejected_with_the_fix() {
        try (Switchboard sb = Switchboard.builder().build()) {
            assertThatThrownBy(() -> sb.publish(event("x")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join())
                    .hasCauseInstanceOf(PublishRejectedException.class).hasMessageContaining("call start()");
        }
    }

    @Test
    void source_events_reach_triggers_reading_that_source() throws Exception {
        AtomicReference<SourceContext> context = new AtomicReference<>();
        CountDownLatch closed = new CountDownLatch(1);
        EventSource source = new EventSource() {
            public String name() { return "ticks"; }
            public void start(SourceContext ctx) { context.set(ctx); }
            public void close() { closed.countDown(); }
        };
        List<String> got = new CopyOnWriteArrayList<>();
        Switchboard sb = Switchboard.builder().source(source)
                .trigger(Trigger.builder("t").input("tick", "ticks", null)
                        .subscriber("h", null, Sink.handler(e -> got.add(e.getId()))).build())
                .build().start();
        CloudEvent e = event("tick");
        context.get().emit(e).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
        assertThat(context.get().sourceName()).isEqualTo("ticks");
        DrainReport report = sb.shutdown();
        assertThat(report.complete()).isTrue();
        assertThat(closed.await(1, TimeUnit.SECONDS)).isTrue();
        assertThat(sb.runtime().state()).isEqualTo(RuntimeView.State.CLOSED);
    }

    @Test
    void request_returns_the_reply_of_the_one_replying_subscriber() {
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("echo").input("in", "type = 'ping'")
                        .subscriber("r", null, Sink.replying(e -> CloudEventBuilder.v1(e).withType("pong").build()))
                        .build())
                .build().start()) {
            CloudEvent reply = sb.request(event("ping"), Duration.ofSeconds(5)).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            assertThat(reply.getType()).isEqualTo("pong");
            assertThatThrownBy(() -> sb.request(event("nothing"), Duration.ofSeconds(5)).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join())
                    .hasCauseInstanceOf(RequestFailedException.class).hasMessageContaining("matched no replying subscriber");
        }
    }

    @Test
    void request_errors_name_the_reason() {
        ManualScheduler time = new ManualScheduler();
        CompletableFuture<Void> never = new CompletableFuture<>();
        try (Switchboard sb = Switchboard.builder().scheduler(time).drainTimeout(Duration.ZERO)
                .trigger(Trigger.builder("a").input("in", "type = 'two'")
                        .subscriber("r", null, Sink.replying(e -> e)).build())
                .trigger(Trigger.builder("b").input("in", "type = 'two'")
                        .subscriber("r", null, Sink.replying(e -> e)).build())
                .trigger(Trigger.builder("fails").input("in", "type = 'fail'")
                        .subscriber(Subscriber.builder("r").deliveryPolicy(io.switchboard.api.DeliveryPolicy.noRetries())
                                .sink(Sink.replying(e -> { throw new IllegalStateException("broken"); })).build()).build())
                .trigger(Trigger.builder("silent").input("in", "type = 'silent'")
                        .subscriber("r", null, Sink.replying(e -> null)).build())
                .trigger(Trigger.builder("slow").input("in", "type = 'slow'")
                        .subscriber(Subscriber.builder("r").sink(new Sink.Invoke(f -> never.thenApply(v -> f.event()), true))
                                .deliveryPolicy(io.switchboard.api.DeliveryPolicy.noRetries()).build()).build())
                .build().start()) {
            assertThat(reason(sb, "two")).isEqualTo(RequestFailedException.Reason.SEVERAL_MATCHES);
            assertThatThrownBy(() -> sb.request(event("two"), Duration.ofSeconds(1)).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join())
                    .hasMessageContaining("a/r").hasMessageContaining("b/r");
            assertThat(reason(sb, "fail")).isEqualTo(RequestFailedException.Reason.HANDLER_FAILED);
            assertThat(reason(sb, "silent")).isEqualTo(RequestFailedException.Reason.NO_REPLY);
            assertThat(reason(sb, "none")).isEqualTo(RequestFailedException.Reason.NO_MATCH);
            var slow = sb.request(event("slow"), Duration.ofSeconds(2)).toCompletableFuture();
            assertThat(slow).isNotDone();
            time.advance(Duration.ofSeconds(2));
            assertThatThrownBy(slow::join).cause().isInstanceOf(RequestFailedException.class)
                    .hasMessageContaining("did not reply within PT2S");
            assertThat(slow.handle((v, e) -> ((RequestFailedException) e).reason()).orTimeout(30, TimeUnit.SECONDS).join())
                    .isEqualTo(RequestFailedException.Reason.TIMEOUT);
        }
    }

    private static RequestFailedException.Reason reason(Switchboard sb, String type) {
        Throwable t = sb.request(event(type), Duration.ofSeconds(1)).toCompletableFuture().handle((v, e) -> e).orTimeout(30, TimeUnit.SECONDS).join();
        if (t instanceof java.util.concurrent.CompletionException) {
            t = t.getCause();
        }
        return ((RequestFailedException) t).reason();
    }

    @Test
    void triggers_on_a_named_bus_read_it_and_application_events_reach_it() {
        InMemoryEventBus orders = InMemoryEventBus.create();
        List<String> got = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder().bus("orders", orders)
                .trigger(Trigger.builder("t").bus("orders").input("in", "type = 'x'")
                        .subscriber("h", null, Sink.handler(e -> got.add(e.getId()))).build())
                .build().start()) {
            sb.publish(event("x")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
            assertThat(sb.runtime().buses()).isEqualTo(Map.of("default", "memory", "orders", "memory"));
        } finally {
            orders.close();
        }
    }

    @Test
    void a_source_context_request_reaches_only_the_named_trigger_reading_that_source() {
        EventSource webhook = new EventSource() {
            public String name() { return "webhook"; }
            public void start(SourceContext ctx) { }
            public void close() { }
        };
        try (Switchboard sb = Switchboard.builder().source(webhook)
                .trigger(Trigger.builder("quote").input("in", "webhook", "type = 'ask'")
                        .subscriber("r", null, Sink.replying(e -> CloudEventBuilder.v1(e).withType("quote").build())).build())
                .trigger(Trigger.builder("other").input("in", "webhook", "type = 'ask'")
                        .subscriber("r", null, Sink.replying(e -> CloudEventBuilder.v1(e).withType("other").build())).build())
                .build().start()) {
            SourceContext context = sb.sourceContext("webhook");
            assertThat(context.request("quote", event("ask"), Duration.ofSeconds(5)).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join().getType())
                    .isEqualTo("quote");
            assertThatThrownBy(() -> sb.request(event("ask"), Duration.ofSeconds(5)).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join())
                    .hasMessageContaining("matched no replying subscriber"); // 'app' is not 'webhook'
            assertThat(context.scheduler()).isSameAs(sb.scheduler());
        }
    }

    @Test
    void events_of_one_subject_reach_an_async_handler_in_publish_order() {
        java.util.Map<String, List<String>> bySubject = new java.util.concurrent.ConcurrentHashMap<>();
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("t").input("in", null)
                        .subscriber(Subscriber.builder("s").concurrency(4).handler(e -> bySubject
                                .computeIfAbsent(e.getSubject(), k -> new CopyOnWriteArrayList<>()).add(e.getId())).build())
                        .build())
                .build().start()) {
            java.util.Map<String, List<String>> published = new java.util.HashMap<>();
            for (int i = 0; i < 400; i++) {
                CloudEvent e = event("x", "/test", "k" + (i % 8));
                published.computeIfAbsent(e.getSubject(), k -> new java.util.ArrayList<>()).add(e.getId());
                sb.publish(e).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> bySubject.values().stream().mapToInt(List::size).sum() == 400);
            assertThat(bySubject).isEqualTo(published);
        }
    }

    @Test
    void buses_can_be_created_by_provider_type() {
        try (Switchboard sb = Switchboard.builder().bus("orders", "memory", Map.of("partitions", "2")).build()) {
            assertThat(sb.runtime().buses()).containsEntry("orders", "memory");
        }
    }
}
