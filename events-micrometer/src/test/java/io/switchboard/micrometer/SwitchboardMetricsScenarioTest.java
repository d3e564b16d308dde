package io.switchboard.micrometer;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.EventSource;
import io.switchboard.api.FullQueuePolicy;
import io.switchboard.api.Sink;
import io.switchboard.api.SourceContext;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A scripted run through every documented meter: success, retry then success, dead letter, a full queue, a correlated
 * pair, and a source's emits — each meter checked to move as docs/observability.md says.
 */
@Timeout(60)
class SwitchboardMetricsScenarioTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final CountDownLatch slowEntered = new CountDownLatch(1);
    private final CountDownLatch slowRelease = new CountDownLatch(1);
    private final Set<String> flakyFailedOnce = ConcurrentHashMap.newKeySet();
    private final List<CloudEvent> deadLetters = new CopyOnWriteArrayList<>();
    private final TestSource source = new TestSource();
    private Switchboard sb;

    @AfterEach
    void close() {
        slowRelease.countDown();
        if (sb != null) {
            sb.close();
        }
    }

    private static DeliveryPolicy fastRetries(int attempts) {
        return DeliveryPolicy.builder().maxAttempts(attempts)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5), 2.0).jitter(0).build();
    }

    private Switchboard build() {
        return Switchboard.builder()
                .observer(SwitchboardMetrics.observerBuilder(registry).inlineTimingSample(1).asyncTimingSample(1).build())
                .source(source)
                .trigger(Trigger.builder("orders")
                        .input("created", "type = 'order.created'")
                        .input("paid", "type = 'order.paid'")
                        .subscriber(Subscriber.builder("ok").condition("created").inline().handler(e -> { }).build())
                        .subscriber(Subscriber.builder("flaky").condition("created").deliveryPolicy(fastRetries(3))
                                .handler(e -> {
                                    if (flakyFailedOnce.add(e.getId())) {
                                        throw new IllegalStateException("first attempt fails");
                                    }
                                }).build())
                        .subscriber(Subscriber.builder("broken").condition("created").deliveryPolicy(fastRetries(2))
                                .deadLetter(Sink.handler(deadLetters::add))
                                .handler(e -> {
                                    throw new IllegalStateException("always fails");
                                }).build())
                        .subscriber(Subscriber.builder("match").condition("created && paid").correlateBy("subject")
                                .handler(e -> { }).build())
                        .build())
                .trigger(Trigger.builder("work")
                        .input("slow", "type = 'work.slow'")
                        .subscriber(Subscriber.builder("slow").concurrency(1).queueCapacity(1)
                                .whenFull(FullQueuePolicy.fail())
                                .handler(e -> {
                                    slowEntered.countDown();
                                    if (!slowRelease.await(30, TimeUnit.SECONDS)) {
                                        throw new IllegalStateException("never released");
                                    }
                                }).build())
                        .build())
                .trigger(Trigger.builder("fromSource")
                        .input("tick", "ticks", "true")
                        .subscriber(Subscriber.builder("count").inline().handler(e -> { }).build())
                        .build())
                .build();
    }

    private static CloudEvent event(String id, String type, String subject) {
        return CloudEventBuilder.v1().withId(id).withType(type).withSource(URI.create("/test")).withSubject(subject)
                .withTime(OffsetDateTime.now()).build();
    }

    private double counter(String name, String trigger, String subscriber) {
        return registry.get(name).tag(MeterNames.TRIGGER, trigger).tag(MeterNames.SUBSCRIBER, subscriber)
                .functionCounter().count();
    }

    private double gauge(String name, String trigger, String subscriber) {
        return registry.get(name).tag(MeterNames.TRIGGER, trigger).tag(MeterNames.SUBSCRIBER, subscriber)
                .gauge().value();
    }

    private Timer handler(String trigger, String subscriber, String outcome) {
        return registry.get(MeterNames.HANDLER_DURATION).tag(MeterNames.TRIGGER, trigger)
                .tag(MeterNames.SUBSCRIBER, subscriber).tag(MeterNames.OUTCOME, outcome).timer();
    }

    @Test
    void everyMeterMovesAsDocumented() throws Exception {
        sb = build().start();
        assertThat(registry.get(MeterNames.READY).gauge().value()).isEqualTo(1);
        assertThat(registry.get(MeterNames.BUS_CONNECTED).tag(MeterNames.BUS, Switchboard.DEFAULT_BUS).gauge().value())
                .isEqualTo(1);

        // success, retry then success, dead letter: one created event each for ok, flaky, broken
        sb.publish(event("c1", "order.created", "A")).toCompletableFuture().join();
        await().atMost(PATIENCE).until(() -> counter(MeterNames.DEAD_LETTERED, "orders", "broken") == 1
                && counter(MeterNames.DELIVERED, "orders", "flaky") == 1);

        assertThat(counter(MeterNames.RECEIVED, "orders", "ok")).isEqualTo(1);
        assertThat(counter(MeterNames.MATCHED, "orders", "ok")).isEqualTo(1);
        assertThat(counter(MeterNames.FIRED, "orders", "ok")).isEqualTo(1);
        assertThat(counter(MeterNames.DELIVERED, "orders", "ok")).isEqualTo(1);
        assertThat(counter(MeterNames.FAILED, "orders", "ok")).isZero();
        assertThat(handler("orders", "ok", "success").count()).isEqualTo(1);
        assertThat(registry.get(MeterNames.EVENT_LATENCY).tag(MeterNames.SUBSCRIBER, "ok").timer().count())
                .as("the event has a time, so its age at delivery is recorded").isEqualTo(1);

        assertThat(counter(MeterNames.FAILED, "orders", "flaky")).isEqualTo(1);
        assertThat(counter(MeterNames.RETRIED, "orders", "flaky")).isEqualTo(1);
        assertThat(handler("orders", "flaky", "failure").count()).isEqualTo(1);
        assertThat(handler("orders", "flaky", "success").count()).isEqualTo(1);

        assertThat(counter(MeterNames.FAILED, "orders", "broken")).isEqualTo(2);
        assertThat(counter(MeterNames.RETRIED, "orders", "broken")).isEqualTo(1);
        assertThat(counter(MeterNames.DELIVERED, "orders", "broken")).isZero();
        assertThat(handler("orders", "broken", "failure").count()).isEqualTo(2);
        assertThat(deadLetters).hasSize(1);

        // correlation: created holds a key until paid arrives
        assertThat(counter(MeterNames.RECEIVED, "orders", "match")).isEqualTo(1);
        assertThat(counter(MeterNames.FIRED, "orders", "match")).isZero();
        await().atMost(PATIENCE).until(() -> gauge(MeterNames.CORRELATION_KEYS, "orders", "match") == 1);
        sb.publish(event("p1", "order.paid", "A")).toCompletableFuture().join();
        await().atMost(PATIENCE).until(() -> counter(MeterNames.DELIVERED, "orders", "match") == 1);
        assertThat(counter(MeterNames.FIRED, "orders", "match")).isEqualTo(1);
        assertThat(gauge(MeterNames.CORRELATION_KEYS, "orders", "match")).isZero();
        assertThat(counter(MeterNames.RECEIVED, "orders", "ok")).as("received counts every input's events").isEqualTo(2);
        assertThat(counter(MeterNames.DELIVERED, "orders", "ok")).as("ok's condition names only created").isEqualTo(1);

        // a source's emits, and the consumer lag the in-memory bus cannot report
        source.context.emit(event("t1", "tick", "x")).toCompletableFuture().join();
        // emitted counts the bus's acceptance, before delivery
        assertThat(registry.get(MeterNames.SOURCE_EMITTED).tag(MeterNames.SOURCE, "ticks").functionCounter().count())
                .isEqualTo(1);
        await().atMost(PATIENCE).until(() -> counter(MeterNames.DELIVERED, "fromSource", "count") == 1);
        assertThat(registry.get(MeterNames.BUS_CONSUMER_LAG).tag(MeterNames.TOPIC, "ticks").gauge().value()).isNaN();

        // full queue: one firing in the handler, one queued (the capacity), the next rejected
        assertThat(gauge(MeterNames.QUEUE_CAPACITY, "work", "slow")).isEqualTo(1);
        sb.publish(event("s1", "work.slow", "s1"));
        assertThat(slowEntered.await(20, TimeUnit.SECONDS)).isTrue();
        sb.publish(event("s2", "work.slow", "s2"));
        await().atMost(PATIENCE).until(() -> gauge(MeterNames.QUEUE_DEPTH, "work", "slow") == 1);
        assertThat(gauge(MeterNames.IN_FLIGHT, "work", "slow")).isEqualTo(2);
        assertThat(registry.get(MeterNames.READY).gauge().value()).as("a full queue makes the runtime not ready")
                .isZero();
        assertThat(sb.runtime().health().problems()).anySatisfy(p -> assertThat(p).contains("'slow'", "full"));
        // the bus delivers one event per partition at a time: of ten more, some reach a partition that is free
        for (int i = 3; i <= 12; i++) {
            sb.publish(event("s" + i, "work.slow", "s" + i));
        }
        await().atMost(PATIENCE).until(() -> counter(MeterNames.REJECTED, "work", "slow") >= 1);
        slowRelease.countDown();
        // rejected events come back from the bus (its redelivery) and are delivered once there is room
        await().atMost(PATIENCE).until(() -> counter(MeterNames.DELIVERED, "work", "slow") == 12);
        await().atMost(PATIENCE).until(() -> gauge(MeterNames.IN_FLIGHT, "work", "slow") == 0);
        assertThat(registry.get(MeterNames.READY).gauge().value()).isEqualTo(1);

        // after close: not ready, and a source's emit is refused and counted
        sb.close();
        assertThat(registry.get(MeterNames.READY).gauge().value()).isZero();
        assertThat(source.context.emit(event("t2", "tick", "x")).toCompletableFuture()).isCompletedExceptionally();
        assertThat(registry.get(MeterNames.SOURCE_REJECTED).tag(MeterNames.SOURCE, "ticks").functionCounter().count())
                .isEqualTo(1);
        assertThat(counter(MeterNames.DELIVERED, "orders", "ok")).as("counters keep their values after close")
                .isEqualTo(1);
    }

    @Test
    void aTriggerAddedLaterGetsItsMetersAndAReplacedOneCountsOn() {
        sb = build().start();
        Trigger late = Trigger.builder("late").input("in", "type = 'late'")
                .subscriber(Subscriber.builder("s").inline().handler(e -> { }).build()).build();
        sb.addTrigger(late);
        sb.publish(event("l1", "late", "x")).toCompletableFuture().join();
        await().atMost(PATIENCE).until(() -> counter(MeterNames.DELIVERED, "late", "s") == 1);
        assertThat(handler("late", "s", "success").count()).isEqualTo(1);

        sb.replaceTrigger(late).toCompletableFuture().join();
        sb.publish(event("l2", "late", "x")).toCompletableFuture().join();
        // the replacement counts on from its predecessor
        await().atMost(PATIENCE).until(() -> counter(MeterNames.DELIVERED, "late", "s") == 2);
    }

    @Test
    void bindingABuiltRuntimeGivesCountersWithoutTimers() {
        sb = Switchboard.builder().trigger(Trigger.builder("t").input("in", "true")
                .subscriber(Subscriber.builder("s").inline().handler(e -> { }).build()).build()).build().start();
        SwitchboardMetrics.bind(sb, registry);
        sb.publish(event("b1", "any", "x")).toCompletableFuture().join();
        await().atMost(PATIENCE).until(() -> counter(MeterNames.DELIVERED, "t", "s") == 1);
        assertThat(registry.find(MeterNames.HANDLER_DURATION).timers()).isEmpty();
        SwitchboardMetrics.bind(sb, registry); // idempotent
        assertThat(registry.find(MeterNames.DELIVERED).functionCounters()).hasSize(1);
    }

    @Test
    void inlineHandlersAreTimedOnASampleWhileTheirCountersStayExact() {
        sb = Switchboard.builder().observer(SwitchboardMetrics.observer(registry)).bus(new DirectBus())
                .trigger(Trigger.builder("t").input("in", "true")
                        .subscriber(Subscriber.builder("s").inline().handler(e -> { }).build()).build())
                .build().start();
        int events = 64 * 256;
        for (int i = 0; i < events; i++) {
            sb.publish(event("e" + i, "any", "x"));
        }
        assertThat(counter(MeterNames.DELIVERED, "t", "s")).isEqualTo(events);
        // one in 64 on average: 256 expected; the bounds are many standard deviations (about 16) away
        assertThat(handler("t", "s", "success").count()).isBetween(100L, 600L);
    }

    /** A source that only keeps its context, so the test emits through it. */
    static final class TestSource implements EventSource {
        volatile SourceContext context;

        @Override
        public String name() {
            return "ticks";
        }

        @Override
        public void start(SourceContext context) {
            this.context = context;
        }

        @Override
        public void close() {
        }
    }

}
