package io.switchboard.core;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.BusCapability;
import io.switchboard.api.SourceContext;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.EventBus;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Subscription;
import io.switchboard.api.Trigger;
import io.switchboard.core.bus.InMemoryEventBus;
import io.switchboard.core.source.http.HttpSource;
import io.switchboard.spi.BusMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Observers, the monitoring views of {@link RuntimeView}, log context, readiness and trace-context carrying. */
@Timeout(30)
class ObservationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withType(type).withSource(URI.create("/t")).withSubject(id).build();
    }

    private static Trigger trigger(String name, Sink sink) {
        return Trigger.builder(name).input("in", "type = '" + name + "'")
                .subscriber(Subscriber.builder("s").inline().sink(sink).build()).build();
    }

    /** Counts calls through the handlers it wraps, and which subscribers it saw. */
    static final class CountingObserver implements RuntimeObserver {
        final AtomicInteger calls = new AtomicInteger();
        final List<String> observed = new CopyOnWriteArrayList<>();
        volatile RuntimeView attached;

        @Override
        public void attached(RuntimeView runtime) {
            attached = runtime;
        }

        @Override
        public Sink.Invoke observe(Trigger trigger, Subscriber subscriber, Sink.Invoke sink) {
            observed.add(trigger.name() + "/" + subscriber.name());
            Sink.Invoker invoker = sink.invoker();
            var handler = sink.eventHandler();
            return new Sink.Invoke(firing -> {
                calls.incrementAndGet();
                return invoker.invoke(firing);
            }, sink.replies(), handler == null ? null : e -> {
                calls.incrementAndGet();
                handler.handle(e);
            });
        }
    }

    @Test
    void anObserverWrapsEveryHandlerSinkIncludingThoseOfTriggersAddedLater() {
        CountingObserver observer = new CountingObserver();
        List<String> handled = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder().observer(observer)
                .trigger(trigger("a", Sink.handler(e -> handled.add(e.getId()))))
                .trigger(trigger("f", Sink.firing(f -> handled.add(f.event().getId()))))
                .trigger(Trigger.builder("topic").input("in", "type = 'topic'")
                        .subscriber(Subscriber.builder("republish").sink(Sink.topic("elsewhere")).build()).build())
                .build().start()) {
            assertThat(observer.attached).isSameAs(sb.runtime());
            assertThat(observer.observed).as("re-publishing sinks are not handed to observers")
                    .containsExactly("a/s", "f/s");
            sb.addTrigger(trigger("late", Sink.handler(e -> handled.add(e.getId()))));
            assertThat(observer.observed).containsExactly("a/s", "f/s", "late/s");
            for (String type : List.of("a", "f", "late")) {
                sb.publish(event(type + "1", type)).toCompletableFuture().join();
            }
            await().atMost(PATIENCE).until(() -> handled.size() == 3);
            assertThat(observer.calls).hasValue(3);
            assertThat(sb.runtime().stats("a", "s").delivered()).isEqualTo(1);
        }
    }

    @Test
    void anObserverThatChangesTheRepliesFlagIsRefusedWithAMessageSayingWhatItMustReturn() {
        RuntimeObserver wrong = new RuntimeObserver() {
            @Override
            public Sink.Invoke observe(Trigger trigger, Subscriber subscriber, Sink.Invoke sink) {
                return new Sink.Invoke(sink.invoker(), !sink.replies());
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Switchboard.builder().observer(wrong)
                        .trigger(trigger("a", Sink.handler(e -> { }))).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("same replies flag");
    }

    @Test
    void logContextPutsTheEventAndSubscriberInTheMdcDuringTheCallAndRemovesThemAfter() throws Exception {
        Trigger t = trigger("orders", Sink.handler(e -> { }));
        Subscriber s = t.subscribers().get(0);
        List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
        Sink.Invoke sink = (Sink.Invoke) Sink.handler(e -> seen.add(MDC.getCopyOfContextMap()));
        Sink.Invoke logged = RuntimeObserver.logContext().observe(t, s, sink);
        MDC.put("caller", "kept");
        try {
            CloudEvent e = event("id-1", "orders");
            logged.eventHandler().handle(e);
            logged.invoker().invoke(new io.switchboard.api.Firing("orders", "s", e, Map.of("in", e), List.of(e)));
            assertThat(seen).hasSize(2).allSatisfy(m -> assertThat(m).containsEntry(LogContext.EVENT_ID, "id-1")
                    .containsEntry(LogContext.EVENT_TYPE, "orders").containsEntry(LogContext.EVENT_SOURCE, "/t")
                    .containsEntry(LogContext.TRIGGER, "orders").containsEntry(LogContext.SUBSCRIBER, "s")
                    .containsEntry("caller", "kept"));
            assertThat(MDC.getCopyOfContextMap()).containsOnlyKeys("caller");
        } finally {
            MDC.clear();
        }
    }

    @Test
    void theLogContextIsClearedAfterAFailingHandlerToo() {
        Trigger t = trigger("orders", Sink.handler(e -> { }));
        Sink.Invoke logged = RuntimeObserver.logContext().observe(t, t.subscribers().get(0),
                (Sink.Invoke) Sink.handler(e -> {
                    throw new IllegalStateException("boom");
                }));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> logged.eventHandler().handle(event("x", "orders")))
                .hasMessage("boom");
        assertThat(MDC.get(LogContext.EVENT_ID)).isNull();
    }

    @Test
    void healthFollowsTheLifecycleAndABusThatLosesItsBroker() {
        ToggleBus bus = new ToggleBus();
        Switchboard sb = Switchboard.builder().bus(bus).trigger(trigger("a", Sink.handler(e -> { }))).build();
        RuntimeHealth fresh = sb.runtime().health();
        assertThat(fresh.ready()).isFalse();
        assertThat(fresh.problems()).anySatisfy(p -> assertThat(p).contains("start()"));
        sb.start();
        assertThat(sb.runtime().health().ready()).isTrue();
        assertThat(sb.runtime().health().buses()).containsEntry(Switchboard.DEFAULT_BUS, true);
        bus.connected.set(false);
        RuntimeHealth lost = sb.runtime().health();
        assertThat(lost.ready()).isFalse();
        assertThat(lost.buses()).containsEntry(Switchboard.DEFAULT_BUS, false);
        assertThat(lost.problems()).anySatisfy(p -> assertThat(p).contains("bus 'default'", "not connected"));
        assertThat(sb.runtime().consumerLag(Switchboard.DEFAULT_BUS, "app")).hasValue(42);
        assertThat(sb.runtime().consumedTopics()).containsEntry(Switchboard.DEFAULT_BUS, List.of("app"));
        bus.connected.set(true);
        sb.close();
        RuntimeHealth closed = sb.runtime().health();
        assertThat(closed.ready()).isFalse();
        assertThat(closed.draining()).isFalse();
        assertThat(closed.state()).isEqualTo(RuntimeView.State.CLOSED);
    }

    @Test
    void theHttpSourcesReadinessReflectsTheRuntimesHealth() throws Exception {
        ToggleBus bus = new ToggleBus();
        HttpSource http = HttpSource.builder("web").port(0).host("127.0.0.1").build();
        try (Switchboard sb = Switchboard.builder().bus(bus).source(http)
                .trigger(trigger("a", Sink.handler(e -> { }))).build().start()) {
            assertThat(sb.runtime().health().ready()).isTrue();
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest readyz = HttpRequest.newBuilder(http.baseUri().resolve("/readyz")).timeout(PATIENCE).build();
            assertThat(client.send(readyz, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            bus.connected.set(false);
            assertThat(client.send(readyz, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
            HttpRequest healthz = HttpRequest.newBuilder(http.baseUri().resolve("/healthz")).timeout(PATIENCE).build();
            assertThat(client.send(healthz, HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("liveness does not depend on the broker").isEqualTo(200);
        }
    }

    @Test
    void sourceEmitsAreCountedByTheBusesAnswer() {
        HttpSource http = HttpSource.builder("web").port(0).host("127.0.0.1").build();
        try (Switchboard sb = Switchboard.builder().source(http).trigger(trigger("a", Sink.handler(e -> { })))
                .build().start()) {
            SourceContext context = new SwitchboardSourceContext(sb, "web");
            context.emit(event("e1", "x")).toCompletableFuture().join();
            context.emit(event("e2", "x")).toCompletableFuture().join();
            assertThat(sb.runtime().sourceStats()).containsExactly(new SourceStats("web", 2, 0));
            sb.shutdown();
            assertThat(context.emit(event("e3", "x")).toCompletableFuture()).isCompletedExceptionally();
            assertThat(sb.runtime().sourceStats()).containsExactly(new SourceStats("web", 2, 1));
        }
    }

    @Test
    void aReplyWithoutTraceContextCarriesItsRequestsAndOneWithItsOwnKeepsIt() {
        String parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("ask").input("in", "type = 'ask'")
                        .subscriber("plain", "in", Sink.replying(e -> event("r-" + e.getId(), "answer"))).build())
                .trigger(Trigger.builder("own").input("in", "type = 'own'")
                        .subscriber("traced", "in", Sink.replying(e -> CloudEventBuilder.from(event("r", "answer"))
                                .withExtension("traceparent", "00-11111111111111111111111111111111-2222222222222222-01")
                                .build())).build())
                .build().start()) {
            CloudEvent request = CloudEventBuilder.from(event("q1", "ask")).withExtension("traceparent", parent)
                    .withExtension("tracestate", "vendor=1").build();
            CloudEvent reply = sb.request(request, PATIENCE).toCompletableFuture().join();
            assertThat(reply.getExtension("traceparent")).isEqualTo(parent);
            assertThat(reply.getExtension("tracestate")).isEqualTo("vendor=1");
            CloudEvent own = sb.request(CloudEventBuilder.from(event("q2", "own")).withExtension("traceparent", parent)
                    .build(), PATIENCE).toCompletableFuture().join();
            assertThat(own.getExtension("traceparent"))
                    .isEqualTo("00-11111111111111111111111111111111-2222222222222222-01");
        }
    }

    @Test
    void rePublishedAndDeadLetteredEventsKeepTheirTraceContextUnchanged() {
        String parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        List<CloudEvent> forwarded = new CopyOnWriteArrayList<>();
        List<CloudEvent> dead = new CopyOnWriteArrayList<>();
        HttpSource downstream = HttpSource.builder("forwarded").port(0).host("127.0.0.1").build();
        try (Switchboard sb = Switchboard.builder().source(downstream)
                .trigger(Trigger.builder("relay").input("in", "type = 'relay'")
                        .subscriber(Subscriber.builder("on").sink(Sink.topic("forwarded")).build()).build())
                .trigger(Trigger.builder("after").input("in", "forwarded", "true")
                        .subscriber(Subscriber.builder("keep").handler(forwarded::add).build()).build())
                .trigger(Trigger.builder("fail").input("in", "type = 'fail'")
                        .subscriber(Subscriber.builder("never").deliveryPolicy(io.switchboard.api.DeliveryPolicy.noRetries())
                                .deadLetter(Sink.handler(dead::add))
                                .handler(e -> {
                                    throw new IllegalStateException("fails");
                                }).build()).build())
                .build().start()) {
            sb.publish(CloudEventBuilder.from(event("r1", "relay")).withExtension("traceparent", parent)
                    .withExtension("tracestate", "v=1").build()).toCompletableFuture().join();
            sb.publish(CloudEventBuilder.from(event("f1", "fail")).withExtension("traceparent", parent).build())
                    .toCompletableFuture().join();
            await().atMost(PATIENCE).until(() -> forwarded.size() == 1 && dead.size() == 1);
            assertThat(forwarded.get(0).getExtension("traceparent")).isEqualTo(parent);
            assertThat(forwarded.get(0).getExtension("tracestate")).isEqualTo("v=1");
            assertThat(dead.get(0).getExtension("traceparent")).isEqualTo(parent);
        }
    }

    @Test
    void anHttpRequestsW3cTraceHeadersBecomeTheEventsTraceContextUnlessItCarriesItsOwn() throws Exception {
        String parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        HttpSource http = HttpSource.builder("web").port(0).host("127.0.0.1").build();
        try (Switchboard sb = Switchboard.builder().source(http)
                .trigger(Trigger.builder("hook").input("in", "web", "true")
                        .subscriber(Subscriber.builder("keep").handler(received::add).build()).build())
                .build().start()) {
            assertThat(sb.runtime().sources()).containsExactly("web");
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest.Builder post = HttpRequest.newBuilder(http.baseUri().resolve("/apis/events")).timeout(PATIENCE)
                    .header("X-Event-Type", "hook").POST(HttpRequest.BodyPublishers.ofString("{}"));
            assertThat(client.send(post.copy().header("traceparent", parent).header("tracestate", "v=1")
                    .header("X-Event-Id", "w1").build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(202);
            assertThat(client.send(post.copy().header("traceparent", "not-a-traceparent").header("X-Event-Id", "w2")
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
            String own = "00-11111111111111111111111111111111-2222222222222222-01";
            HttpRequest binary = HttpRequest.newBuilder(http.baseUri()).timeout(PATIENCE)
                    .header("ce-specversion", "1.0").header("ce-id", "w3").header("ce-type", "hook")
                    .header("ce-source", "/t").header("ce-traceparent", own).header("traceparent", parent)
                    .POST(HttpRequest.BodyPublishers.noBody()).build();
            assertThat(client.send(binary, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
            await().atMost(PATIENCE).until(() -> received.size() == 3);
            Map<String, CloudEvent> byId = new java.util.HashMap<>();
            received.forEach(e -> byId.put(e.getId(), e));
            assertThat(byId.get("w1").getExtension("traceparent")).isEqualTo(parent);
            assertThat(byId.get("w1").getExtension("tracestate")).isEqualTo("v=1");
            assertThat(byId.get("w2").getExtension("traceparent")).as("malformed: ignored").isNull();
            assertThat(byId.get("w3").getExtension("traceparent")).as("the event's own wins").isEqualTo(own);
        }
    }

    @Test
    void loadsShowTheQueueBoundAndCorrelationKeys() {
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("pair").input("a", "type = 'a'").input("b", "type = 'b'")
                        .subscriber(Subscriber.builder("both").condition("a && b").correlateBy("subject")
                                .queueCapacity(64).handler(e -> { }).build()).build())
                .build().start()) {
            sb.publish(CloudEventBuilder.from(event("1", "a")).withSubject("k").build()).toCompletableFuture().join();
            await().atMost(PATIENCE).until(() -> sb.runtime().load("pair", "both").correlationKeys() == 1);
            SubscriberLoad load = sb.runtime().load("pair", "both");
            assertThat(load.queueCapacity()).isEqualTo(64);
            assertThat(sb.runtime().loads()).containsExactly(load);
        }
    }

    /** The in-memory bus, plus a connection flag and a fixed lag the test controls. */
    static final class ToggleBus implements EventBus, BusMetrics {
        final EventBus delegate = InMemoryEventBus.builder().build();
        final AtomicBoolean connected = new AtomicBoolean(true);

        @Override
        public boolean connected() {
            return connected.get();
        }

        @Override
        public OptionalLong consumerLag(String topic, String group) {
            return OptionalLong.of(42);
        }

        @Override
        public String type() {
            return "toggle";
        }

        @Override
        public Set<BusCapability> capabilities() {
            return delegate.capabilities();
        }

        @Override
        public CompletionStage<Void> publish(String topic, CloudEvent event) {
            return delegate.publish(topic, event);
        }

        @Override
        public Subscription subscribe(String topic, String group, BusConsumer consumer) {
            return delegate.subscribe(topic, group, consumer);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
