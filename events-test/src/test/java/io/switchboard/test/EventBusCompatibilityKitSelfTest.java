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

        assertThat(outcomes).hasSize(6);
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

    @Test
    void oneMemberGettingEverythingFailsTheScaleOutGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(OneMemberGetsEverything.class,
                EventBusCompatibilityKit.ScaleOut.class);

        KitRunner.Outcome load = outcomes.get("members share the load: every member of a group receives events");
        assertThat(load.failed()).as("%s", load).isTrue();
        assertThat(load.message()).contains("load not shared");
    }

    @Test
    void neverAcknowledgingFailsTheScaleOutGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(NeverAcknowledges.class,
                EventBusCompatibilityKit.ScaleOut.class);

        KitRunner.Outcome comesBack = outcomes.get("an acknowledged event never comes back, through joins and leaves");
        assertThat(comesBack.failed()).as("%s", comesBack).isTrue();
        KitRunner.Outcome leave = outcomes.get(
                "a member leaving cleanly mid-stream: per-key order kept, nothing lost or repeated");
        assertThat(leave.failed()).as("%s", leave).isTrue();
    }

    @Test
    void theCrashTestsAreSkippedNamingTheHookWhenItIsMissing() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(Honest.class,
                EventBusCompatibilityKit.ScaleOut.WithACrash.class);

        assertThat(outcomes).isNotEmpty();
        assertThat(outcomes.values()).allSatisfy(o -> {
            assertThat(o.skipped()).as("skipped: %s", o).isTrue();
            assertThat(o.message()).contains("crash(EventBus)");
        });
    }

    @Test
    void ignoringHoldsFailsTheHeldAcknowledgementGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(ClaimsHeldAcknowledgement.class,
                EventBusCompatibilityKit.HeldAcknowledgement.class);

        KitRunner.Outcome held = outcomes.get(
                "a held event is not redelivered while held, and later events of its key still arrive");
        assertThat(held.failed()).as("%s", held).isTrue();
    }

    @Test
    void rewritingTheEventUnderAnExplicitKeyFailsTheKeyedGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(RewritesKeyedEvents.class,
                EventBusCompatibilityKit.KeyedPublish.class);

        KitRunner.Outcome unchanged = outcomes.get("publish(topic, event, key) delivers the event unchanged");
        assertThat(unchanged.failed()).as("%s", unchanged).isTrue();
    }

    @Test
    void ignoringTheExplicitKeyFailsTheKeyedGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(IgnoresExplicitKey.class,
                EventBusCompatibilityKit.KeyedPublish.class);

        KitRunner.Outcome oneMember = outcomes.get(
                "events with different subjects but one explicit key arrive in order, on one member");
        assertThat(oneMember.failed()).as("%s", oneMember).isTrue();
    }

    @Test
    void retryingFailuresAtTheBackFailsTheOrderAcrossRedelivery() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(RetriesAtTheBack.class,
                EventBusCompatibilityKit.Acknowledgement.class);

        KitRunner.Outcome order = outcomes.get("a failed event holds back later events of its key until it succeeds");
        assertThat(order.failed()).as("%s", order).isTrue();
    }

    @Test
    void droppingRejectedPublishesFailsTheBackPressureGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(HidesRejections.class,
                EventBusCompatibilityKit.BackPressure.class);

        KitRunner.Outcome pressure = outcomes.get("publishing under pressure is accepted or rejected, never silently"
                + " dropped");
        assertThat(pressure.failed()).as("%s", pressure).isTrue();
    }

    @Test
    void acceptingPublishesAfterCloseFailsTheLifecycleGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(AcceptsAfterClose.class,
                EventBusCompatibilityKit.Lifecycle.class);

        KitRunner.Outcome closed = outcomes.get("publishing on a closed bus fails with PublishRejectedException");
        assertThat(closed.failed()).as("%s", closed).isTrue();
    }

    @Test
    void leakingEventsToParentTopicsFailsTheTopicNamesGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(LeaksToParentTopics.class,
                EventBusCompatibilityKit.TopicNames.class);

        KitRunner.Outcome nested = outcomes.get(
                "topics with dots that nest ('orders', 'orders.eu', 'orders.eu.paris') stay isolated");
        assertThat(nested.failed()).as("%s", nested).isTrue();
        KitRunner.Outcome start = outcomes.get("a new group starts on a topic with history where newGroupStart() says");
        assertThat(start.passed()).as("%s", start).isTrue();
    }

    @Test
    void misstatingWhereNewGroupsStartFailsTheTopicNamesGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(ClaimsEarliestStart.class,
                EventBusCompatibilityKit.TopicNames.class);

        KitRunner.Outcome start = outcomes.get("a new group starts on a topic with history where newGroupStart() says");
        assertThat(start.failed()).as("%s", start).isTrue();
    }

    @Test
    void anHonestCrashPassesTheCrashTests() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(CrashesMembersCleanly.class,
                EventBusCompatibilityKit.ScaleOut.WithACrash.class);

        assertThat(outcomes).isNotEmpty();
        assertThat(outcomes.values()).allSatisfy(o -> assertThat(o.passed()).as("passed: %s", o).isTrue());
    }

    @Test
    void losingTheCrashedMembersEventsFailsTheCrashTests() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(LosesEventsOnCrash.class,
                EventBusCompatibilityKit.ScaleOut.WithACrash.class);

        KitRunner.Outcome crash = outcomes.get(
                "a member crashing mid-stream: nothing lost, per-key order kept, duplicates counted");
        assertThat(crash.failed()).as("%s", crash).isTrue();
        assertThat(crash.message()).contains("acknowledged");
    }

    @Test
    void aSubscriptionThatIgnoresCloseFailsTheBasicsGroup() {
        Map<String, KitRunner.Outcome> outcomes = KitRunner.run(IgnoresSubscriptionClose.class,
                EventBusCompatibilityKit.Basics.class);

        assertThat(outcomes.get("a closed subscription receives nothing more").failed()).isTrue();
        assertThat(outcomes.get("topics are isolated from each other").passed()).isTrue();
    }

    // ------------------------------------------------------------ kit subclasses (not run by surefire directly)

    @ExtendWith(OnlyFromKitRunner.class)
    static class Honest extends EventBusCompatibilityKit {
        @Override
        protected EventBus createBus() {
            return fastBus();
        }

        @Override
        protected EventBus createMemberBus() {
            return bus(); // in-memory buses share nothing: members are subscriptions of one bus
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

    static class OneMemberGetsEverything extends Honest {
        @Override
        protected EventBus createBus() {
            return new Wrapping(fastBus()) {
                private final Set<String> groups = java.util.concurrent.ConcurrentHashMap.newKeySet();

                @Override
                public Subscription subscribe(String topic, String group, BusConsumer consumer) {
                    if (groups.add(topic + "/" + group)) {
                        return delegate.subscribe(topic, group, consumer);
                    }
                    return new Idle(topic, group); // later members are accepted and never get anything
                }
            };
        }
    }

    static class NeverAcknowledges extends Honest {
        @Override
        protected EventBus createBus() {
            return new NeverCommitting(fastBus());
        }
    }

    static class ClaimsHeldAcknowledgement extends Honest {
        @Override
        protected EventBus createBus() {
            // declares held acknowledgement but calls deliver(event) only: a consumer's hold() is never offered
            return new Claiming(fastBus(), BusCapability.HELD_ACKNOWLEDGEMENT) {
                @Override
                BusConsumer wrap(BusConsumer consumer) {
                    return event -> consumer.deliver(event);
                }
            };
        }
    }

    static class RewritesKeyedEvents extends Honest {
        @Override
        protected EventBus createBus() {
            return new Wrapping(fastBus()) {
                @Override
                public CompletionStage<Void> publish(String topic, CloudEvent event, String partitionKey) {
                    // keys by rewriting the event's own partition key: the event does not travel unchanged
                    return delegate.publish(topic, CloudEventBuilder.v1(event).withExtension("partitionkey",
                            partitionKey).build());
                }
            };
        }
    }

    static class IgnoresExplicitKey extends Honest {
        @Override
        protected EventBus createBus() {
            return new Wrapping(fastBus()) {
                @Override
                public CompletionStage<Void> publish(String topic, CloudEvent event, String partitionKey) {
                    return delegate.publish(topic, event); // keyed by the event's own key instead
                }
            };
        }
    }

    static class RetriesAtTheBack extends Honest {
        @Override
        protected EventBus createBus() {
            return new Wrapping(fastBus()) {
                @Override
                BusConsumer wrap(String topic, BusConsumer consumer) {
                    // a failed event is acknowledged and published again: later events of its key overtake it
                    return event -> {
                        CompletionStage<Void> stage;
                        try {
                            stage = consumer.deliver(event);
                        } catch (RuntimeException e) {
                            stage = CompletableFuture.failedFuture(e);
                        }
                        return stage.handle((v, failure) -> failure).thenCompose(failure -> failure == null
                                ? CompletableFuture.completedFuture(null) : delegate.publish(topic, event));
                    };
                }
            };
        }
    }

    static class HidesRejections extends Honest {
        @Override
        protected EventBus createBus() {
            return new Wrapping(InMemoryEventBus.builder().capacity(64)
                    .redeliveryBackoff(Duration.ofMillis(5), Duration.ofMillis(50)).build()) {
                @Override
                public CompletionStage<Void> publish(String topic, CloudEvent event) {
                    // reports acceptance whatever happened: a full partition's rejection is swallowed
                    return delegate.publish(topic, event).exceptionally(rejected -> null);
                }
            };
        }
    }

    static class AcceptsAfterClose extends Honest {
        @Override
        protected EventBus createBus() {
            return new Wrapping(fastBus()) {
                private volatile boolean closed;

                @Override
                public CompletionStage<Void> publish(String topic, CloudEvent event) {
                    return closed ? CompletableFuture.completedFuture(null) : delegate.publish(topic, event);
                }

                @Override
                public void close() {
                    closed = true;
                    delegate.close();
                }
            };
        }
    }

    static class LeaksToParentTopics extends Honest {
        @Override
        protected EventBus createBus() {
            return new Wrapping(fastBus()) {
                @Override
                public CompletionStage<Void> publish(String topic, CloudEvent event) {
                    // treats dots as a hierarchy and delivers to every ancestor topic as well
                    CompletionStage<Void> stage = delegate.publish(topic, event);
                    for (int dot = topic.lastIndexOf('.'); dot > 0; dot = topic.lastIndexOf('.', dot - 1)) {
                        delegate.publish(topic.substring(0, dot), event);
                    }
                    return stage;
                }
            };
        }
    }

    static class ClaimsEarliestStart extends Honest {
        @Override
        protected GroupStart newGroupStart() {
            return GroupStart.EARLIEST; // the in-memory bus starts new groups at the latest event
        }
    }

    /**
     * Members are views of one in-memory bus; a crash closes the member's subscriptions, which abandons its unfinished
     * deliveries to the other members — what a broker does once a crashed member's session expired.
     */
    static class CrashesMembersCleanly extends Honest {
        @Override
        protected EventBus createMemberBus() {
            return new MemberView(bus());
        }

        @Override
        protected void crash(EventBus bus) {
            ((MemberView) bus).crash();
        }

        @Override
        protected Duration deliveryTimeout() {
            return Duration.ofSeconds(5); // these tests must pass: room for a busy machine
        }

        @Override
        protected Duration redeliveryTimeout() {
            return Duration.ofMillis(500); // the in-memory bus hands a closed member's event over at once
        }
    }

    /** A crash that leaves a zombie acknowledging everything the member is given: events are lost. */
    static class LosesEventsOnCrash extends CrashesMembersCleanly {
        @Override
        protected void crash(EventBus bus) {
            ((MemberView) bus).zombie = true;
        }
    }

    static class IgnoresSubscriptionClose extends Honest {
        @Override
        protected EventBus createBus() {
            return new Wrapping(fastBus()) {
                @Override
                public Subscription subscribe(String topic, String group, BusConsumer consumer) {
                    delegate.subscribe(topic, group, consumer);
                    return new Idle(topic, group); // closing it closes nothing
                }
            };
        }
    }

    /** One member's client of a shared bus: closing or crashing it ends only its own subscriptions. */
    static final class MemberView extends Wrapping {
        private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
        volatile boolean zombie;

        MemberView(EventBus shared) {
            super(shared);
        }

        @Override
        public Subscription subscribe(String topic, String group, BusConsumer consumer) {
            Subscription s = delegate.subscribe(topic, group, event -> zombie
                    ? CompletableFuture.completedFuture(null) : consumer.deliver(event));
            subscriptions.add(s);
            return s;
        }

        void crash() {
            subscriptions.forEach(Subscription::close);
        }

        @Override
        public void close() {
            subscriptions.forEach(Subscription::close);
        }
    }

    /** A subscription that receives nothing. */
    record Idle(String topic, String group) implements Subscription {
        @Override
        public void close() {
        }
    }

    /**
     * A bus that never commits what its members acknowledged: when a member leaves, everything the group was ever
     * delivered is delivered again to a remaining member (what a broker does with an uncommitted position).
     */
    static final class NeverCommitting extends Wrapping {
        private final Map<String, List<CloudEvent>> delivered = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, List<BusConsumer>> members = new java.util.concurrent.ConcurrentHashMap<>();

        NeverCommitting(EventBus delegate) {
            super(delegate);
        }

        @Override
        public Subscription subscribe(String topic, String group, BusConsumer consumer) {
            String key = topic + "/" + group;
            List<CloudEvent> log = delivered.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
            BusConsumer recording = event -> {
                log.add(event);
                return consumer.deliver(event);
            };
            members.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(consumer);
            Subscription real = delegate.subscribe(topic, group, recording);
            return new Subscription() {
                @Override
                public String topic() {
                    return topic;
                }

                @Override
                public String group() {
                    return group;
                }

                @Override
                public void close() {
                    real.close();
                    List<BusConsumer> rest = members.get(key);
                    if (rest.remove(consumer) && !rest.isEmpty()) {
                        BusConsumer next = rest.get(0);
                        CompletableFuture.runAsync(() -> log.forEach(next::deliver));
                    }
                }
            };
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

        BusConsumer wrap(String topic, BusConsumer consumer) {
            return wrap(consumer);
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
        public CompletionStage<Void> publish(String topic, CloudEvent event, String partitionKey) {
            return delegate.publish(topic, onPublish(event), partitionKey);
        }

        @Override
        public Subscription subscribe(String topic, String group, BusConsumer consumer) {
            return delegate.subscribe(topic, group, wrap(topic, consumer));
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** A bus that declares a capability it does not have. */
    static class Claiming extends Wrapping {
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
