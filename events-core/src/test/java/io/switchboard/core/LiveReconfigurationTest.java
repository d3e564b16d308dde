package io.switchboard.core;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.bus.InMemoryEventBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static io.switchboard.core.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class LiveReconfigurationTest {

    private static final int PUBLISHERS = 4;
    private static final int PER_PUBLISHER = 2_000;
    /** Exactly this many replacements happen, all while the publishers run (they stop only after the last one). */
    private static final int REPLACEMENTS = 20;

    @Test
    void replaced_triggers_meet_each_event_exactly_once_and_stable_triggers_lose_nothing() throws Exception {
        Map<String, LongAdder> stable = new ConcurrentHashMap<>();
        Map<String, LongAdder> stableInline = new ConcurrentHashMap<>();
        Map<String, List<Integer>> swapped = new ConcurrentHashMap<>();
        AtomicInteger churned = new AtomicInteger();
        InMemoryEventBus bus = InMemoryEventBus.builder().capacity(1 << 14).build();
        try (Switchboard sb = Switchboard.builder().bus(bus)
                .trigger(Trigger.builder("stable").input("in", "type = 'tick'")
                        .subscriber("count", null, Sink.handler(e -> count(stable, e))).build())
                .trigger(Trigger.builder("stableInline").input("in", "type = 'tick'")
                        .subscriber(Subscriber.builder("count").inline().handler(e -> count(stableInline, e)).build())
                        .build())
                .trigger(version(0, swapped))
                .build().start()) {
            ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
            List<Future<?>> running = new ArrayList<>();
            Set<String> published = ConcurrentHashMap.newKeySet();
            CountDownLatch publishing = new CountDownLatch(PUBLISHERS);
            AtomicBoolean replaced = new AtomicBoolean();
            for (int p = 0; p < PUBLISHERS; p++) {
                running.add(publishers.submit(() -> {
                    // publish at least PER_PUBLISHER events, and keep going until every replacement was made
                    for (int i = 0; i < PER_PUBLISHER || !replaced.get(); i++) {
                        CloudEvent e = event("tick", "/test", "k" + (i % 32));
                        published.add(e.getId());
                        sb.publish(e).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
                        if (i == 0) {
                            publishing.countDown();
                        }
                    }
                }));
            }
            List<CompletableFuture<Void>> retired = new ArrayList<>();
            assertThat(publishing.await(30, TimeUnit.SECONDS)).as("every publisher started").isTrue();
            for (int version = 1; version <= REPLACEMENTS; version++) {
                retired.add(sb.replaceTrigger(version(version, swapped)).toCompletableFuture());
                sb.addTrigger(Trigger.builder("churn").input("in", "type = 'tick'")
                        .subscriber("s", null, Sink.handler(e -> churned.incrementAndGet())).build());
                retired.add(sb.removeTrigger("churn").toCompletableFuture());
            }
            replaced.set(true);
            for (Future<?> f : running) {
                f.get();
            }
            publishers.shutdown();
            int total = published.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> stable.size() == total && stableInline.size() == total
                    && swapped.size() == total);
            CompletableFuture.allOf(retired.toArray(new CompletableFuture<?>[0])).get();
            assertThat(retired).hasSize(2 * REPLACEMENTS);
            assertThat(stable.keySet()).isEqualTo(published);
            assertThat(stable.values()).allMatch(n -> n.sum() == 1);
            assertThat(stableInline.values()).allMatch(n -> n.sum() == 1);
            assertThat(swapped.values()).allMatch(versions -> versions.size() == 1);
            assertThat(sb.runtime().triggers()).containsExactly("stable", "stableInline", "swapped");
            assertThat(sb.shutdown().complete()).isTrue();
        } finally {
            bus.close();
        }
    }

    private static Trigger version(int v, Map<String, List<Integer>> seen) {
        return Trigger.builder("swapped").input("in", "type = 'tick'")
                .subscriber("record", null, Sink.handler(e -> seen.computeIfAbsent(e.getId(),
                        k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(v)))
                .build();
    }

    private static void count(Map<String, LongAdder> seen, CloudEvent e) {
        seen.computeIfAbsent(e.getId(), k -> new LongAdder()).increment();
    }
}
