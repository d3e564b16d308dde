package io.switchboard.core.internal.trigger;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.RepeatedTest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static io.switchboard.core.internal.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

/** Offers from several threads at once: no firing may be lost or duplicated. */
class CorrelationConcurrencyTest {

    private static final int THREADS = 4;
    private static final int KEYS = 1000;

    private record Offer(String input, CloudEvent event) {
    }

    @RepeatedTest(5)
    void andWithCorrelationFiresExactlyOncePerCompleteKeyWithBothEvents(
            org.junit.jupiter.api.RepetitionInfo repetition) throws Exception {
        SubscriberCounters counters = new SubscriberCounters();
        CorrelatingGate gate = gate("a && b", b -> b.correlateBy("subject"), counters);
        Map<String, CloudEvent> as = new HashMap<>();
        Map<String, CloudEvent> bs = new HashMap<>();
        List<Offer> offers = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            CloudEvent a = event("a", "key-" + k);
            CloudEvent b = event("b", "key-" + k);
            as.put("key-" + k, a);
            bs.put("key-" + k, b);
            offers.add(new Offer("a", a));
            offers.add(new Offer("b", b));
        }
        for (int k = 0; k < 100; k++) { // incomplete keys must not fire
            offers.add(new Offer("a", event("a", "lonely-" + k)));
        }
        Collections.shuffle(offers, new Random(repetition.getCurrentRepetition()));

        ConcurrentLinkedQueue<Map<String, CloudEvent>> fired = offerConcurrently(gate, offers);

        assertThat(fired).hasSize(KEYS);
        Map<String, Integer> perKey = new HashMap<>();
        for (Map<String, CloudEvent> firing : fired) {
            assertThat(firing).containsOnlyKeys("a", "b");
            String key = firing.get("a").getSubject();
            assertThat(firing.get("b").getSubject()).isEqualTo(key);
            assertThat(firing.get("a")).isSameAs(as.get(key));
            assertThat(firing.get("b")).isSameAs(bs.get(key));
            perKey.merge(key, 1, Integer::sum);
        }
        assertThat(perKey).hasSize(KEYS).allSatisfy((key, count) -> assertThat(count).isEqualTo(1));
        assertThat(gate.keysHeld()).isEqualTo(100);
    }

    @RepeatedTest(3)
    void withoutCorrelationNoEventIsDeliveredTwice(org.junit.jupiter.api.RepetitionInfo repetition) throws Exception {
        SubscriberCounters counters = new SubscriberCounters();
        CorrelatingGate gate = gate("a && b && c", b -> b, counters);
        List<Offer> offers = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String input = List.of("a", "b", "c").get(i % 3);
            offers.add(new Offer(input, event(input, null)));
        }
        Collections.shuffle(offers, new Random(repetition.getCurrentRepetition()));

        ConcurrentLinkedQueue<Map<String, CloudEvent>> fired = offerConcurrently(gate, offers);

        Map<CloudEvent, Boolean> delivered = new IdentityHashMap<>();
        for (Map<String, CloudEvent> firing : fired) {
            assertThat(firing).containsOnlyKeys("a", "b", "c");
            for (Map.Entry<String, CloudEvent> e : firing.entrySet()) {
                assertThat(e.getValue().getType()).isEqualTo(e.getKey());
                assertThat(delivered.put(e.getValue(), true)).as("delivered twice: %s", e.getValue().getId()).isNull();
            }
        }
        assertThat(fired).isNotEmpty();
    }

    private static CorrelatingGate gate(String condition, java.util.function.UnaryOperator<Subscriber.Builder> options,
                                        SubscriberCounters counters) {
        Subscriber s = options.apply(Subscriber.builder("s").condition(condition).sink(Sink.handler(e -> { }))).build();
        Trigger t = Trigger.builder("t").input("a", null).input("b", null).input("c", null).subscriber(s).build();
        return (CorrelatingGate) FiringGates.create(t, s, new ManualScheduler(), counters);
    }

    private static ConcurrentLinkedQueue<Map<String, CloudEvent>> offerConcurrently(FiringGate gate, List<Offer> offers)
            throws Exception {
        ConcurrentLinkedQueue<Map<String, CloudEvent>> fired = new ConcurrentLinkedQueue<>();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < THREADS; t++) {
            int lane = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = lane; i < offers.size(); i += THREADS) {
                        Map<String, CloudEvent> firing = gate.offer(offers.get(i).input(), offers.get(i).event());
                        if (firing != null) {
                            fired.add(firing);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "offer-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            // a thread still offering would make the counts below meaningless: fail on it, not on them
            assertThat(thread.isAlive()).as("%s finished its offers within 30 s", thread.getName()).isFalse();
        }
        assertThat(failures).isEmpty();
        return fired;
    }
}
