package io.switchboard.test;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.BusCapability;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.EventBus;
import io.switchboard.api.Subscription;
import io.switchboard.core.bus.InMemoryEventBus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves the kit is not vacuous: a bus that breaks one guarantee fails exactly the group that checks it, and a
 * missing capability shows up as skipped tests that name it. Each broken bus wraps the in-memory bus.
 */
class EventBusCompatibilityKitSelfTest {

    private static final List<Thread> LEAKED = new CopyOnWriteArrayList<>();

    @AfterAll
    static void stopLeakedThreads() {
        LEAKED.forEach(Thread::interrupt);
    }

    @Test
    void missingCapabilitiesAreSkippedVisiblyNamingTheCapability() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(Honest.class, EventBusCompatibilityKit.Durability.class);

        assertThat(outcomes).isNotEmpty();
        assertThat(outcomes.values()).allSatisfy(o -> {
            assertThat(o.skipped()).as("skipped: %s", o).isTrue();
            assertThat(o.message()).contains("BusCapability.DURABLE").contains("'memory'");
        });
    }

    @Test
    void aBusWithoutRawPublishingSkipsThePoisonGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(ClaimsPoisonDetection.class,
                EventBusCompatibilityKit.Poison.class);

        assertThat(outcomes).isNotEmpty();
        assertThat(outcomes.values()).allSatisfy(o -> {
            assertThat(o.skipped()).as("skipped: %s", o).isTrue();
            assertThat(o.message()).contains("publishRaw");
        });
    }

    @Test
    void acknowledgingBeforeTheStageCompletesFailsTheAcknowledgementGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(AcknowledgesEarly.class,
                EventBusCompatibilityKit.Acknowledgement.class);

        assertThat(outcomes).hasSize(4);
        assertThat(outcomes.values()).allSatisfy(o -> assertThat(o.failed()).as("failed: %s", o).isTrue());
    }

    @Test
    void handingEventsOnWithoutWaitingFailsTheOrderingGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(DoesNotWaitPerKey.class,
                EventBusCompatibilityKit.Ordering.class);

        assertThat(outcomes).hasSize(1);
        assertThat(outcomes.values()).allSatisfy(o -> assertThat(o.failed()).as("failed: %s", o).isTrue());
    }

    @Test
    void droppingExtensionsFailsTheRoundTripGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(DropsExtensions.class,
                EventBusCompatibilityKit.RoundTrip.class);

        assertThat(outcomes.get("extensions of every CloudEvents type arrive with their values").failed()).isTrue();
        assertThat(outcomes.get("binary data arrives byte for byte").passed()).isTrue();
    }

    @Test
    void duplicateDeliveryFailsTheConsumerGroupsGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(DeliversTwice.class,
                EventBusCompatibilityKit.ConsumerGroups.class);

        assertThat(outcomes).hasSize(2);
        assertThat(outcomes.values()).allSatisfy(o -> assertThat(o.failed()).as("failed: %s", o).isTrue());
    }

    @Test
    void claimingDurabilityWithoutItFailsTheDurabilityGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(ClaimsDurability.class,
                EventBusCompatibilityKit.Durability.class);

        assertThat(outcomes.get("accepted events survive closing the bus").failed()).isTrue();
    }

    @Test
    void aThreadOutlivingCloseFailsTheLifecycleGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(LeaksAThread.class,
                EventBusCompatibilityKit.Lifecycle.class);

        KitRunner.Outcome close = outcomes.get("close releases every thread the bus started");
        assertThat(close.failed()).as("%s", close).isTrue();
        assertThat(close.message()).contains("leaky-bus-worker");
    }

    // ------------------------------------------------------------ kit subclasses (not run by surefire directly)

    @ExtendWith(OnlyFromKitRunner.class)
    static class Honest extends EventBusCompatibilityKit {
        @Override
        protected EventBus createBus() {
            return fastBus();
        }

        @Override
        protected Duration deliveryTimeout() {
            return Duration.ofSeconds(1);
        }
    }

    static class ClaimsPoisonDetection extends Honest {
        @Override
        protected EventBus createBus() {
            return new Claiming(fastBus(), BusCapability.POISON_DETECTION);
        }
    }

    static class ClaimsDurability extends Honest {
        @Override
        protected EventBus createBus() {
            return new Claiming(fastBus(), BusCapability.DURABLE);
        }
    }

    static class AcknowledgesEarly extends Honest {
        @Override
        protected EventBus createBus() {
            return new Wrapping(fastBus()) {
                @Override
                BusConsumer wrap(BusConsumer consumer) {
                    return event -> {
                        try {
                            consumer.deliver(event); // its stage is ignored: acknowledged at once
                        } catch (RuntimeException ignored) {
                            // a thrown failure is ignored too
                        }
                        return CompletableFuture.completedFuture(null);
                    };
                }
            };
        }
    }

    static class DoesNotWaitPerKey extends Honest {
        @Override
        protected EventBus createBus() {
            return new Wrapping(fastBus()) {
                @Override
                BusConsumer wrap(BusConsumer consumer) {
                    // hands each event to the consumer on a pool thread and acknowledges at once: keys overlap, reorder
                    return event -> {
                        CompletableFuture.runAsync(() -> consumer.deliver(event));
                        return CompletableFuture.completedFuture(null);
                    };
                }
            };
        }
    }

    static class DropsExtensions extends Honest {
        @Override
        protected EventBus createBus() {
            return new Wrapping(fastBus()) {
                @Override
                CloudEvent onPublish(CloudEvent event) {
                    CloudEventBuilder b = CloudEventBuilder.v1(event);
                    for (String name : event.getExtensionNames()) {
                        if (name.startsWith("kitb")) {
                            b.withoutExtension(name);
                        }
                    }
                    return b.build();
                }
            };
        }
    }

    static class DeliversTwice extends Honest {
        @Override
        protected EventBus createBus() {
            return new Wrapping(fastBus()) {
                @Override
                BusConsumer wrap(BusConsumer consumer) {
                    return event -> consumer.deliver(event).thenCompose(v -> consumer.deliver(event));
                }
            };
        }
    }

    static class LeaksAThread extends Honest {
        @Override
        protected EventBus createBus() {
            CountDownLatch never = new CountDownLatch(1);
            Thread worker = new Thread(() -> {
                try {
                    never.await();
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
            }, "leaky-bus-worker");
            worker.setDaemon(true);
            worker.start();
            LEAKED.add(worker);
            return fastBus();
        }
    }

    static EventBus fastBus() {
        return InMemoryEventBus.builder().redeliveryBackoff(Duration.ofMillis(5), Duration.ofMillis(50)).build();
    }

    /** Delegates to a real bus, with hooks to break it. */
    static class Wrapping implements EventBus {
        final EventBus delegate;

        Wrapping(EventBus delegate) {
            this.delegate = delegate;
        }

        BusConsumer wrap(BusConsumer consumer) {
            return consumer;
        }

        CloudEvent onPublish(CloudEvent event) {
            return event;
        }

        @Override
        public String type() {
            return delegate.type();
        }

        @Override
        public Set<BusCapability> capabilities() {
            return delegate.capabilities();
        }

        @Override
        public CompletionStage<Void> publish(String topic, CloudEvent event) {
            return delegate.publish(topic, onPublish(event));
        }

        @Override
        public Subscription subscribe(String topic, String group, BusConsumer consumer) {
            return delegate.subscribe(topic, group, wrap(consumer));
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** A bus that declares a capability it does not have. */
    static final class Claiming extends Wrapping {
        private final Set<BusCapability> capabilities;

        Claiming(EventBus delegate, BusCapability extra) {
            super(delegate);
            EnumSet<BusCapability> all = EnumSet.noneOf(BusCapability.class);
            all.addAll(delegate.capabilities());
            all.add(extra);
            this.capabilities = Set.copyOf(all);
        }

        @Override
        public Set<BusCapability> capabilities() {
            return capabilities;
        }
    }
}
