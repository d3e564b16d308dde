package io.switchboard.test;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.BusCapability;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.EventBus;
import io.switchboard.api.PoisonMessage;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.Subscription;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The tests every {@link EventBus} implementation passes, in the manner of Micrometer's
 * {@code MeterRegistryCompatibilityKit}. A bus module proves itself by extending this class and supplying a factory:
 *
 * <pre>{@code
 * class KafkaEventBusCompatibilityTest extends EventBusCompatibilityKit {
 *     @RegisterExtension static final EmbeddedKafka kafka = new EmbeddedKafka();
 *
 *     @Override protected EventBus createBus() {
 *         return KafkaEventBus.builder().bootstrapServers(kafka.bootstrapServers()).build();
 *     }
 *     @Override protected Duration deliveryTimeout() { return Duration.ofSeconds(30); }
 *     @Override protected void publishRaw(String topic, byte[] bytes) { kafka.send(topic, bytes); }
 * }
 * }</pre>
 *
 * <p><b>Groups.</b> The tests come in {@link Nested} groups. Groups that need a guarantee the bus does not declare in
 * {@link EventBus#capabilities()} are skipped through JUnit assumptions whose message names the missing
 * {@link BusCapability}, so a report shows exactly what a bus does not do. A bus that cannot put raw bytes on its
 * wire (does not override {@link #publishRaw}) skips the poison group the same way.
 *
 * <p><b>Contract assumed of every bus.</b> A subscription receives every event published to its topic after
 * {@link EventBus#subscribe} returned. Events carry their partition key both as {@code subject} and as the
 * {@code partitionkey} extension, so a bus may key on either.
 *
 * <p><b>Isolation.</b> Every test uses fresh topic and group names from {@link #uniqueName(String)}, unique across
 * JVM runs, so tests against a long-lived broker do not see each other's events. Each test gets its own bus from
 * {@link #createBus()}, closed after the test together with every subscription opened through
 * {@link #subscribe(String, String, BusConsumer)}.
 *
 * <p><b>Time.</b> Every wait is bounded by {@link #deliveryTimeout()}; absence ("no duplicate arrives") is checked by
 * waiting {@link #quietPeriod()}, and after a crash or a hand-over past {@link #redeliveryTimeout()}. They are hooks
 * because a real broker is slower than memory.
 *
 * <p><b>Several members.</b> The scale-out, explicit-key and held-acknowledgement groups run two to four members of
 * one group, each on its own client from {@link #createMemberBus()}, as separate application instances would. A bus
 * test that overrides {@link #crash(EventBus)} also gets the crash tests: a member is aborted like a killed process,
 * nothing may be lost, and duplicates — legal only there — are counted and printed, never failed on. The bookkeeping
 * (global delivery order, which member handles which key, crashed members) lives in a package-private {@code KeyTimeline}.
 *
 * <p>To run one test while working on a bus: {@code -Dswitchboard.kit.only=<part of its method or display name>}.
 */
@ExtendWith(KitFilter.class)
public abstract class EventBusCompatibilityKit {

    /** Type of every event the kit publishes. */
    protected static final String KIT_EVENT_TYPE = "io.switchboard.kit.test";
    /** Extension the kit sets to the partition key, next to {@code subject}. */
    protected static final String PARTITION_KEY = "partitionkey";

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicLong NAMES = new AtomicLong();
    private static final URI KIT_SOURCE = URI.create("/switchboard/kit");

    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
    private EventBus bus;

    /**
     * Creates a new, open bus. Called once before every test, and again by tests that close a bus and need another
     * one on the same storage (durability, thread release). For a durable bus, buses created by one kit instance
     * must share their storage (the same broker).
     */
    protected abstract EventBus createBus();

    /** Longest wait for anything the bus should do (deliver, redeliver, finish closing). Default 10 s. */
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(10);
    }

    /** How long to watch for something that must not happen (a duplicate, a stray event). Default 200 ms. */
    protected Duration quietPeriod() {
        return Duration.ofMillis(200);
    }

    /**
     * Aborts {@code bus} the way a killed process ends: its subscriptions acknowledge, commit and leave nothing
     * cleanly; its threads and connections are released so the JVM can go on; sessions, leases and unacknowledged
     * messages are left for the broker to expire. Buses override it with their test-visible abort (for Kafka,
     * {@code KafkaCrash.crash(bus)}); the default skips the tests that crash a member, naming this hook.
     */
    protected void crash(EventBus bus) {
        assumeTrue(false, "crash(EventBus) is not overridden for bus '" + bus.type() + "': the crash tests need a way"
                + " to abort a member like a killed process (no acknowledgement, no commit, no clean leave)");
    }

    /**
     * How long until an event that a crashed member left unacknowledged is delivered to another member (for Kafka:
     * the session timeout plus a rebalance). Checks that nothing more arrives after a crash or a hand-over watch at
     * least this long. Default {@link #deliveryTimeout()}.
     */
    protected Duration redeliveryTimeout() {
        return deliveryTimeout();
    }

    /**
     * A client of the same bus for one more member of a consumer group, as another application instance would open
     * it. The default, {@link #createBus()}, fits buses whose instances share storage (brokers); a bus whose
     * instances share nothing (in memory) returns {@link #bus()}, so members are subscriptions of one bus. Buses
     * from here are closed after the test.
     */
    protected EventBus createMemberBus() {
        return createBus();
    }

    /**
     * Where a consumer group that subscribes for the first time starts on a topic that already holds events:
     * {@link GroupStart#EARLIEST} (it receives the history, like Kafka with {@code auto.offset.reset=earliest}) or
     * {@link GroupStart#LATEST} (only events published after it subscribed). Default {@code LATEST}.
     */
    protected GroupStart newGroupStart() {
        return GroupStart.LATEST;
    }

    /** Where a new consumer group starts on a topic with history; see {@link #newGroupStart()}. */
    public enum GroupStart {
        /** A new group receives every event the topic still holds. */
        EARLIEST,
        /** A new group receives only events published after its first subscription. */
        LATEST
    }

    /**
     * How many times a bus may offer one poison message to a consumer whose {@link BusConsumer#poison} keeps
     * failing before it dead-letters or gives it up. Default 10.
     */
    protected int maxPoisonOffers() {
        return 10;
    }

    /**
     * Puts {@code bytes} on the wire of {@code topic} as one message, bypassing CloudEvent encoding (a poison
     * message). Buses with {@link BusCapability#POISON_DETECTION} override this with their transport's raw client;
     * the default skips the poison group.
     */
    protected void publishRaw(String topic, byte[] bytes) {
        assumeTrue(false, "publishRaw(topic, bytes) is not overridden for bus '" + bus().type()
                + "': poison-message tests need a way to put raw bytes on the wire");
    }

    /**
     * Whether extension values keep their Java type (Integer, Boolean, byte[], URI, OffsetDateTime) across the bus.
     * Transports that carry extensions as text (e.g. Kafka or HTTP headers in binary mode) return {@code false}; the
     * kit then checks that each value's canonical CloudEvents string form survives instead. Default {@code true}.
     */
    protected boolean extensionsKeepTheirTypes() {
        return true;
    }

    /** Publisher threads in the concurrent-publishers test. Default 4. */
    protected int concurrentPublishers() {
        return 4;
    }

    /** Events each publisher thread publishes in the concurrent-publishers test. Default 500. */
    protected int eventsPerPublisher() {
        return 500;
    }

    /**
     * Whether a live thread is none of the bus's business when checking that {@link EventBus#close()} released its
     * threads: JVM and test-framework threads. Override to add threads of test infrastructure that may start during
     * a test (e.g. an embedded broker's own threads), calling {@code super}.
     */
    protected boolean isOutsideTheBus(Thread thread) {
        String name = thread.getName();
        ThreadGroup group = thread.getThreadGroup();
        if (group != null && "system".equals(group.getName())) {
            return true;
        }
        for (String prefix : List.of("ForkJoinPool.commonPool", "Reference Handler", "Finalizer", "Signal Dispatcher",
                "Common-Cleaner", "Notification Thread", "Attach Listener", "process reaper", "surefire", "junit",
                "awaitility", "switchboard-kit-", "JFR ", "C1 ", "C2 ", "Sweeper", "Monitor Deflation", "DestroyJavaVM",
                "main", "Keep-Alive")) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** A fresh name (letters, digits and '-') unique across tests and JVM runs, for topics and groups. */
    protected static String uniqueName(String prefix) {
        return prefix + "-" + RUN + "-" + NAMES.incrementAndGet();
    }

    /** The bus of the current test. */
    protected final EventBus bus() {
        if (bus == null) {
            throw new IllegalStateException("no bus: createBus() is called before each test");
        }
        return bus;
    }

    /** Subscribes on the current bus; the subscription is closed after the test. */
    protected final Subscription subscribe(String topic, String group, BusConsumer consumer) {
        return subscribe(bus(), topic, group, consumer);
    }

    private Subscription subscribe(EventBus on, String topic, String group, BusConsumer consumer) {
        Subscription s = on.subscribe(topic, group, consumer);
        assertThat(s).as("subscribe(%s, %s) returned null", topic, group).isNotNull();
        toClose.add(0, s);
        return s;
    }

    private EventBus newBus() {
        EventBus b = createBus();
        assertThat(b).as("createBus() returned null").isNotNull();
        toClose.add(b);
        return b;
    }

    @BeforeEach
    void openBus() {
        bus = newBus();
    }

    @AfterEach
    void closeEverything() {
        List<String> failures = new ArrayList<>();
        for (AutoCloseable c : toClose) {
            try {
                closeWithin(c, deliveryTimeout());
            } catch (Throwable t) {
                failures.add(c + ": " + t);
            }
        }
        toClose.clear();
        bus = null;
        if (!failures.isEmpty()) {
            fail("closing after the test failed: " + failures);
        }
    }

    // ---------------------------------------------------------------- groups

    @Nested
    @DisplayName("round trip")
    class RoundTrip {

        @Test
        @DisplayName("every context attribute and text data arrive unchanged")
        void attributesAndTextDataArriveUnchanged() {
            String json = "{\"order\":\"o-1\",\"note\":\"Zoë ✓ \\u00e9\",\"items\":[1,2,3]}";
            CloudEvent sent = CloudEventBuilder.v1()
                    .withId(uniqueName("id"))
                    .withSource(URI.create("https://shop.example/orders?region=eu"))
                    .withType("com.example.order.created")
                    .withDataContentType("application/json")
                    .withDataSchema(URI.create("https://shop.example/schemas/order-v2.json"))
                    .withSubject("o-1")
                    .withTime(OffsetDateTime.of(2026, 3, 4, 5, 6, 7, 123_000_000, ZoneOffset.ofHours(2)))
                    .withData(json.getBytes(StandardCharsets.UTF_8))
                    .build();

            CloudEvent received = roundTrip(sent);

            assertThat(received.getSpecVersion()).as("specversion").isEqualTo(SpecVersion.V1);
            assertThat(received.getId()).as("id").isEqualTo(sent.getId());
            assertThat(received.getSource()).as("source").isEqualTo(sent.getSource());
            assertThat(received.getType()).as("type").isEqualTo(sent.getType());
            assertThat(received.getDataContentType()).as("datacontenttype").isEqualTo("application/json");
            assertThat(received.getDataSchema()).as("dataschema").isEqualTo(sent.getDataSchema());
            assertThat(received.getSubject()).as("subject").isEqualTo("o-1");
            assertThat(received.getTime()).as("time").isNotNull();
            assertThat(received.getTime().toInstant()).as("time (as an instant)").isEqualTo(sent.getTime().toInstant());
            assertThat(dataOf(received)).as("data bytes").isEqualTo(json.getBytes(StandardCharsets.UTF_8));
        }

        @Test
        @DisplayName("binary data arrives byte for byte")
        void binaryDataArrivesByteForByte() {
            byte[] data = new byte[4096];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 31 + (i >> 8));
            }
            data[0] = 0;
            data[1] = (byte) 0xff;
            CloudEvent sent = kitEvent(uniqueName("id"), "k").withDataContentType("application/octet-stream")
                    .withData(data).build();

            CloudEvent received = roundTrip(sent);

            assertThat(received.getDataContentType()).as("datacontenttype").isEqualTo("application/octet-stream");
            assertThat(dataOf(received)).as("data bytes").isEqualTo(data);
        }

        @Test
        @DisplayName("an event without data arrives without data and without extra attributes")
        void eventWithoutDataArrivesWithoutData() {
            CloudEvent sent = CloudEventBuilder.v1().withId(uniqueName("id")).withSource(KIT_SOURCE)
                    .withType(KIT_EVENT_TYPE).build();

            CloudEvent received = roundTrip(sent);

            assertThat(received.getData()).as("data").isNull();
            assertThat(received.getDataContentType()).as("datacontenttype").isNull();
            assertThat(received.getSubject()).as("subject").isNull();
            assertThat(received.getTime()).as("time").isNull();
            assertThat(received.getDataSchema()).as("dataschema").isNull();
            assertThat(received.getExtensionNames()).as("extension names").isEmpty();
        }

        @Test
        @DisplayName("extensions of every CloudEvents type arrive with their values")
        void extensionsOfEveryTypeArrive() {
            OffsetDateTime timestamp = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 678_000_000, ZoneOffset.UTC);
            Map<String, Object> extensions = new LinkedHashMap<>();
            extensions.put("kitstring", "hello, wörld");
            extensions.put("kitinteger", -2_147_483_648);
            extensions.put("kitboolean", Boolean.TRUE);
            extensions.put("kitbinary", new byte[]{0, 1, 2, (byte) 0xfe, (byte) 0xff});
            extensions.put("kituri", URI.create("https://example.com/a/b?c=d#e"));
            extensions.put("kittime", timestamp);
            CloudEventBuilder b = CloudEventBuilder.v1().withId(uniqueName("id")).withSource(KIT_SOURCE)
                    .withType(KIT_EVENT_TYPE).withDataContentType("text/plain").withData("x".getBytes(StandardCharsets.UTF_8));
            extensions.forEach((name, value) -> {
                if (value instanceof String s) {
                    b.withExtension(name, s);
                } else if (value instanceof Integer n) {
                    b.withExtension(name, n);
                } else if (value instanceof Boolean bool) {
                    b.withExtension(name, bool);
                } else if (value instanceof byte[] bytes) {
                    b.withExtension(name, bytes);
                } else if (value instanceof URI uri) {
                    b.withExtension(name, uri);
                } else {
                    b.withExtension(name, (OffsetDateTime) value);
                }
            });

            CloudEvent received = roundTrip(b.build());

            assertThat(received.getExtensionNames()).as("extension names").containsAll(extensions.keySet());
            extensions.forEach((name, expected) -> {
                Object actual = received.getExtension(name);
                assertThat(EventText.sameValue(expected, actual))
                        .as("extension %s: sent %s (%s), received %s (%s)", name, EventText.value(expected),
                                expected.getClass().getSimpleName(), EventText.value(actual),
                                actual == null ? "null" : actual.getClass().getSimpleName())
                        .isTrue();
                if (extensionsKeepTheirTypes()) {
                    assertThat(actual).as("extension %s keeps its type (override extensionsKeepTheirTypes() if the"
                            + " transport carries extensions as text)", name).isInstanceOf(typeFamily(expected));
                }
            });
        }

        private CloudEvent roundTrip(CloudEvent sent) {
            String topic = uniqueName("roundtrip");
            RecordingConsumer consumer = new RecordingConsumer();
            subscribe(topic, uniqueName("g"), consumer);
            awaitAccepted(bus().publish(topic, sent));
            awaitUntil("event " + sent.getId() + " delivered", () -> consumer.received(sent.getId()));
            return consumer.deliveries().get(0);
        }
    }

    @Nested
    @DisplayName("basics")
    class Basics {

        @Test
        @DisplayName("a subscription receives every event published after it subscribed")
        void subscriptionReceivesEveryEvent() {
            String topic = uniqueName("basics");
            RecordingConsumer consumer = new RecordingConsumer();
            subscribe(topic, uniqueName("g"), consumer);

            List<String> ids = publishAll(bus(), topic, 50, 5);

            awaitAll(consumer, ids);
            assertThat(consumer.deliveriesById()).as("deliveries by id").containsOnlyKeys(ids);
        }

        @Test
        @DisplayName("topics are isolated from each other")
        void topicsAreIsolated() {
            String first = uniqueName("first");
            String second = uniqueName("second");
            RecordingConsumer onFirst = new RecordingConsumer();
            RecordingConsumer onSecond = new RecordingConsumer();
            subscribe(first, uniqueName("g"), onFirst);
            subscribe(second, uniqueName("g"), onSecond);

            List<String> toFirst = publishAll(bus(), first, 10, 2);
            List<String> toSecond = publishAll(bus(), second, 10, 2);

            awaitAll(onFirst, toFirst);
            awaitAll(onSecond, toSecond);
            holdsThroughQuietPeriod(() -> {
                assertThat(onFirst.deliveriesById()).as("ids delivered on %s", first).containsOnlyKeys(toFirst);
                assertThat(onSecond.deliveriesById()).as("ids delivered on %s", second).containsOnlyKeys(toSecond);
            });
        }

        @Test
        @DisplayName("a closed subscription receives nothing more")
        void closedSubscriptionReceivesNothingMore() {
            String topic = uniqueName("closed-sub");
            RecordingConsumer closing = new RecordingConsumer();
            RecordingConsumer witness = new RecordingConsumer();
            Subscription subscription = subscribe(topic, uniqueName("g"), closing);
            subscribe(topic, uniqueName("witness"), witness);
            List<String> before = publishAll(bus(), topic, 5, 1);
            awaitAll(closing, before);

            closeWithin(subscription, deliveryTimeout());
            List<String> after = publishAll(bus(), topic, 5, 1);

            awaitAll(witness, after);
            holdsThroughQuietPeriod(() -> {
                assertThat(closing.deliveriesById()).as("deliveries to the closed subscription").doesNotContainKeys(
                        after.toArray(String[]::new));
            });
        }
    }

    @Nested
    @DisplayName("consumer groups")
    class ConsumerGroups {

        @BeforeEach
        void requiresConsumerGroups() {
            requireCapability(BusCapability.CONSUMER_GROUPS, "consumer-group tests skipped");
        }

        @Test
        @DisplayName("competing consumers in one group receive each event once")
        void competingConsumersReceiveEachEventOnce() {
            String topic = uniqueName("competing");
            String group = uniqueName("g");
            RecordingConsumer a = new RecordingConsumer();
            RecordingConsumer b = new RecordingConsumer();
            subscribe(topic, group, a);
            subscribe(topic, group, b);

            List<String> ids = publishAll(bus(), topic, 200, 20);

            awaitUntil("all 200 events delivered to group " + group, () -> union(a, b).keySet().containsAll(ids));
            holdsThroughQuietPeriod(() -> {
                Map<String, Integer> counts = union(a, b);
                assertThat(counts).as("deliveries by id across both members").containsOnlyKeys(ids);
                assertThat(duplicates(counts)).as("events delivered more than once within one group").isEmpty();
            });
        }

        @Test
        @DisplayName("two groups each receive every event")
        void twoGroupsEachReceiveEveryEvent() {
            String topic = uniqueName("groups");
            RecordingConsumer first = new RecordingConsumer();
            RecordingConsumer second = new RecordingConsumer();
            subscribe(topic, uniqueName("g1"), first);
            subscribe(topic, uniqueName("g2"), second);

            List<String> ids = publishAll(bus(), topic, 100, 10);

            awaitAll(first, ids);
            awaitAll(second, ids);
            holdsThroughQuietPeriod(() -> {
                assertThat(duplicates(first.deliveriesById())).as("duplicates in the first group").isEmpty();
                assertThat(duplicates(second.deliveriesById())).as("duplicates in the second group").isEmpty();
            });
        }
    }

    @Nested
    @DisplayName("acknowledgement after handling")
    class Acknowledgement {

        @BeforeEach
        void requiresRedelivery() {
            requireCapability(BusCapability.REDELIVERY, "acknowledgement tests skipped");
        }

        @Test
        @DisplayName("a stage completing exceptionally gets the event redelivered")
        void failedStageIsRedelivered() {
            String topic = uniqueName("ack-failed");
            String failing = uniqueName("id");
            RecordingConsumer consumer = new RecordingConsumer();
            consumer.answering(e -> e.getId().equals(failing) && consumer.timesReceived(failing) == 1
                    ? CompletableFuture.failedFuture(new IllegalStateException("kit: first attempt fails"))
                    : CompletableFuture.completedFuture(null));
            subscribe(topic, uniqueName("g"), consumer);

            List<String> ids = new ArrayList<>(publishAll(bus(), topic, 3, 3));
            awaitAccepted(bus().publish(topic, kitEvent(failing, "k-fail").build()));
            ids.addAll(publishAll(bus(), topic, 3, 3));

            awaitUntil("event " + failing + " redelivered after its stage failed and then acknowledged",
                    () -> consumer.acknowledgedIds().contains(failing));
            awaitUntil("the other events acknowledged", () -> consumer.acknowledgedIds().containsAll(ids));
            assertThat(consumer.timesReceived(failing)).as("deliveries of the failed event").isGreaterThanOrEqualTo(2);
        }

        @Test
        @DisplayName("a consumer throwing from deliver gets the event redelivered")
        void thrownExceptionIsRedelivered() {
            String topic = uniqueName("ack-thrown");
            String failing = uniqueName("id");
            RecordingConsumer consumer = new RecordingConsumer();
            consumer.answering(e -> {
                if (e.getId().equals(failing) && consumer.timesReceived(failing) == 1) {
                    throw new IllegalStateException("kit: first attempt throws");
                }
                return CompletableFuture.completedFuture(null);
            });
            subscribe(topic, uniqueName("g"), consumer);

            awaitAccepted(bus().publish(topic, kitEvent(failing, "k").build()));

            awaitUntil("event " + failing + " redelivered after deliver threw, then acknowledged",
                    () -> consumer.acknowledgedIds().contains(failing));
            assertThat(consumer.timesReceived(failing)).as("deliveries of the failed event").isGreaterThanOrEqualTo(2);
        }

        @Test
        @DisplayName("an event whose stage is unfinished when its member closes goes to the next member")
        void unfinishedEventGoesToNextMember() {
            requireCapability(BusCapability.CONSUMER_GROUPS, "handing over to another member needs groups");
            String topic = uniqueName("ack-handover");
            String group = uniqueName("g");
            CompletableFuture<Void> never = new CompletableFuture<>();
            RecordingConsumer slow = new RecordingConsumer().answering(e -> never);
            Subscription slowSubscription = subscribe(topic, group, slow);
            String id = uniqueName("id");
            awaitAccepted(bus().publish(topic, kitEvent(id, "k").build()));
            awaitUntil("event " + id + " delivered to the first member", () -> slow.received(id));

            RecordingConsumer next = new RecordingConsumer();
            subscribe(topic, group, next);
            closeWhileUnfinished(slowSubscription, never);

            awaitUntil("event " + id + " redelivered to the next member of the group: the first member closed before"
                    + " its stage completed, so the delivery was abandoned unacknowledged",
                    () -> next.acknowledgedIds().contains(id));
            never.complete(null); // a late outcome from a closed member must not matter
        }

        @Test
        @DisplayName("later events finishing do not acknowledge an earlier unfinished one")
        void laterEventsDoNotAcknowledgeEarlierUnfinishedOne() {
            requireCapability(BusCapability.CONSUMER_GROUPS, "handing over to another member needs groups");
            String topic = uniqueName("ack-early");
            String group = uniqueName("g");
            String held = uniqueName("held");
            CompletableFuture<Void> never = new CompletableFuture<>();
            RecordingConsumer first = new RecordingConsumer()
                    .answering(e -> e.getId().equals(held) ? never : CompletableFuture.completedFuture(null));
            Subscription firstSubscription = subscribe(topic, group, first);

            awaitAccepted(bus().publish(topic, kitEvent(held, "k-held").build()));
            List<String> later = publishAll(bus(), topic, 10, 10);
            awaitUntil("event " + held + " delivered to the first member", () -> first.received(held));
            sleep(quietPeriod()); // give the bus the chance to deliver and acknowledge the later events

            RecordingConsumer second = new RecordingConsumer();
            subscribe(topic, group, second);
            closeWhileUnfinished(firstSubscription, never);

            awaitUntil("held event " + held + " redelivered to the next member although later events were"
                    + " acknowledged", () -> second.acknowledgedIds().contains(held));
            awaitUntil("every later event acknowledged by one of the members", () -> {
                Set<String> acked = new HashSet<>(first.acknowledgedIds());
                acked.addAll(second.acknowledgedIds());
                return acked.containsAll(later);
            });
            never.complete(null);
        }
        @Test
        @DisplayName("a failed event holds back later events of its key until it succeeds")
        void failedEventHoldsBackItsKey() {
            requireCapability(BusCapability.ORDERED_PER_KEY, "order across redelivery not checked");
            String topic = uniqueName("ack-order");
            String failing = uniqueName("fails-twice");
            CompletableFuture<Void> firstAttempt = new CompletableFuture<>(); // fails once the later events wait
            RecordingConsumer consumer = new RecordingConsumer();
            consumer.answering(e -> !e.getId().equals(failing) || consumer.timesReceived(failing) > 2
                    ? CompletableFuture.completedFuture(null)
                    : consumer.timesReceived(failing) == 1 ? firstAttempt
                    : CompletableFuture.failedFuture(new IllegalStateException("kit: second attempt fails")));
            subscribe(topic, uniqueName("g"), consumer);

            awaitAccepted(bus().publish(topic, kitEvent(failing, "k-order").build()));
            List<String> later = publishAll(bus(), topic, 5, 1); // key-0, another key: not held back
            List<String> sameKey = new ArrayList<>();
            List<CompletionStage<Void>> stages = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String id = uniqueName("after-" + i);
                sameKey.add(id);
                stages.add(bus().publish(topic, kitEvent(id, "k-order").build()));
            }
            awaitAllAccepted(stages);
            awaitUntil("event " + failing + " delivered", () -> consumer.received(failing));
            firstAttempt.completeExceptionally(new IllegalStateException("kit: first attempt fails"));

            awaitUntil("the failing event and the later events of its key acknowledged",
                    () -> consumer.acknowledgedIds().contains(failing) && consumer.acknowledgedIds().containsAll(sameKey));
            awaitAll(consumer, later);
            List<String> order = consumer.deliveries().stream().map(CloudEvent::getId)
                    .filter(id -> id.equals(failing) || sameKey.contains(id)).toList();
            List<String> expected = new ArrayList<>(List.of(failing, failing, failing));
            expected.addAll(sameKey);
            assertThat(order).as("deliveries of the key in order: the failing event three times (two failures), then"
                    + " the later events of its key").containsExactlyElementsOf(expected);
        }

        @Test
        @DisplayName("a failing event handed to another member still comes before the later events of its key")
        void failedEventHandedOverKeepsItsPlace() {
            requireCapability(BusCapability.ORDERED_PER_KEY, "order across redelivery not checked");
            requireCapability(BusCapability.CONSUMER_GROUPS, "handing over to another member needs groups");
            String topic = uniqueName("ack-order-handover");
            String group = uniqueName("g");
            String failing = uniqueName("fails-on-first");
            RecordingConsumer first = new RecordingConsumer().answering(e -> e.getId().equals(failing)
                    ? CompletableFuture.failedFuture(new IllegalStateException("kit: always fails on this member"))
                    : CompletableFuture.completedFuture(null));
            Subscription firstSubscription = subscribe(topic, group, first);
            awaitAccepted(bus().publish(topic, kitEvent(failing, "k-handover").build()));
            List<String> sameKey = new ArrayList<>();
            List<CompletionStage<Void>> stages = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String id = uniqueName("after-" + i);
                sameKey.add(id);
                stages.add(bus().publish(topic, kitEvent(id, "k-handover").build()));
            }
            awaitAllAccepted(stages);
            awaitUntil("event " + failing + " failed at least twice on the first member",
                    () -> first.timesReceived(failing) >= 2);

            RecordingConsumer second = new RecordingConsumer();
            subscribe(topic, group, second);
            closeWithin(firstSubscription, deliveryTimeout());

            awaitUntil("the failing event and the later events of its key acknowledged by the next member",
                    () -> second.acknowledgedIds().contains(failing) && second.acknowledgedIds().containsAll(sameKey));
            assertThat(first.acknowledgedIds()).as("later events of the key acknowledged by the first member while"
                    + " the earlier event kept failing").doesNotContainAnyElementsOf(sameKey);
            List<String> order = second.deliveries().stream().map(CloudEvent::getId)
                    .filter(id -> id.equals(failing) || sameKey.contains(id)).toList();
            List<String> expected = new ArrayList<>(List.of(failing));
            expected.addAll(sameKey);
            assertThat(order).as("deliveries of the key to the next member").containsExactlyElementsOf(expected);
        }
    }

    @Nested
    @DisplayName("ordering per key")
    class Ordering {

        @BeforeEach
        void requiresOrdering() {
            requireCapability(BusCapability.ORDERED_PER_KEY, "ordering tests skipped");
        }

        @Test
        @DisplayName("interleaved keys each arrive in publish order, one at a time")
        void eachKeyArrivesInOrderOneAtATime() {
            String topic = uniqueName("ordering");
            int keys = 8;
            int perKey = 40;
            RecordingConsumer.OverlapDetector overlaps = new RecordingConsumer.OverlapDetector();
            RecordingConsumer consumer = new RecordingConsumer().answering(e -> {
                String key = e.getSubject();
                overlaps.started(key, e.getId());
                // finish later, on another thread: the bus must wait for the stage before the key's next event
                return CompletableFuture.runAsync(() -> overlaps.finished(key),
                        CompletableFuture.delayedExecutor(ThreadLocalRandom.current().nextInt(0, 300), TimeUnit.MICROSECONDS));
            });
            subscribe(topic, uniqueName("g"), consumer);

            List<CompletionStage<Void>> stages = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int seq = 0; seq < perKey; seq++) {
                for (int k = 0; k < keys; k++) {
                    String id = "key-" + k + "-seq-" + seq + "-" + uniqueName("e");
                    ids.add(id);
                    stages.add(bus().publish(topic, kitEvent(id, "key-" + k).withExtension("kitseq", seq).build()));
                }
            }
            awaitAllAccepted(stages);
            awaitUntil("all " + ids.size() + " events acknowledged", () -> consumer.acknowledgedIds().containsAll(ids));

            Map<String, List<Integer>> sequences = new HashMap<>();
            for (CloudEvent e : consumer.deliveries()) {
                sequences.computeIfAbsent(e.getSubject(), k -> new ArrayList<>())
                        .add(Integer.parseInt(String.valueOf(e.getExtension("kitseq"))));
            }
            List<Integer> expected = new ArrayList<>();
            for (int seq = 0; seq < perKey; seq++) {
                expected.add(seq);
            }
            assertThat(sequences).as("keys seen").hasSize(keys);
            sequences.forEach((key, seqs) -> assertThat(seqs).as("sequence numbers of key %s in arrival order", key)
                    .containsExactlyElementsOf(expected));
            assertThat(overlaps.overlaps()).as("events delivered while an earlier event of their key was unfinished")
                    .isEmpty();
        }
    }

    @Nested
    @DisplayName("durability")
    class Durability {

        @BeforeEach
        void requiresDurability() {
            requireCapability(BusCapability.DURABLE, "durability tests skipped");
        }

        @Test
        @DisplayName("a reopened subscription resumes after the last acknowledged event")
        void reopenedSubscriptionResumesAfterLastAcknowledged() {
            String topic = uniqueName("durable-resume");
            String group = uniqueName("g");
            acknowledgeAndLeave(topic, group, 5);

            List<String> whileAway = publishAll(bus(), topic, 5, 1);
            RecordingConsumer after = new RecordingConsumer();
            subscribe(topic, group, after);

            awaitAll(after, whileAway);
            holdsThroughQuietPeriod(() -> {
                assertThat(after.deliveriesById()).as("deliveries after reopening (acknowledged events must not come back)")
                        .containsOnlyKeys(whileAway);
            });
        }

        @Test
        @DisplayName("accepted events survive closing the bus")
        void acceptedEventsSurviveClosingTheBus() {
            String topic = uniqueName("durable-bus");
            String group = uniqueName("g");
            acknowledgeAndLeave(topic, group, 1); // the group exists and has a position before the bus closes

            List<String> stored = publishAll(bus(), topic, 20, 4);
            closeWithin(bus(), deliveryTimeout());

            EventBus reopened = newBus();
            RecordingConsumer after = new RecordingConsumer();
            subscribe(reopened, topic, group, after);
            awaitAll(after, stored);
            holdsThroughQuietPeriod(() -> {
                assertThat(after.deliveriesById()).as("deliveries on the reopened bus").containsOnlyKeys(stored);
            });
        }

        @Test
        @DisplayName("an event never acknowledged comes back after the subscription is reopened")
        void unacknowledgedEventComesBackAfterReopen() {
            String topic = uniqueName("durable-unacked");
            String group = uniqueName("g");
            String id = uniqueName("id");
            RecordingConsumer failing = new RecordingConsumer()
                    .answering(e -> CompletableFuture.failedFuture(new IllegalStateException("kit: always fails")));
            Subscription first = subscribe(topic, group, failing);
            awaitAccepted(bus().publish(topic, kitEvent(id, "k").build()));
            awaitUntil("event " + id + " delivered (and failed)", () -> failing.received(id));
            closeWithin(first, deliveryTimeout());

            RecordingConsumer after = new RecordingConsumer();
            subscribe(topic, group, after);
            awaitUntil("event " + id + " delivered again to the reopened subscription",
                    () -> after.acknowledgedIds().contains(id));
        }
    }

    @Nested
    @DisplayName("poison messages")
    class Poison {

        private final byte[] garbage = concat("this is not a CloudEvent ".getBytes(StandardCharsets.UTF_8),
                new byte[]{0, (byte) 0xff, (byte) 0xfe, '{', '"'});

        @BeforeEach
        void requiresPoisonDetection() {
            requireCapability(BusCapability.POISON_DETECTION, "poison-message tests skipped");
        }

        @Test
        @DisplayName("bytes that are not a CloudEvent reach poison(...) and consumption continues")
        void poisonReachesConsumerAndConsumptionContinues() {
            String topic = uniqueName("poison");
            RecordingConsumer consumer = new RecordingConsumer(true);
            subscribe(topic, uniqueName("g"), consumer);

            List<String> before = publishAll(bus(), topic, 2, 1);
            publishRaw(topic, garbage);
            List<String> after = publishAll(bus(), topic, 2, 1);

            awaitAll(consumer, before);
            awaitAll(consumer, after);
            awaitUntil("the poison message handed to BusConsumer.poison", () -> !consumer.poisonMessages().isEmpty());
            holdsThroughQuietPeriod(() -> {
                List<PoisonMessage> poison = consumer.poisonMessages();
                assertThat(poison).as("poison messages (acknowledged, so exactly one)").hasSize(1);
                assertThat(poison.get(0).topic()).as("poison topic").isEqualTo(topic);
                assertThat(poison.get(0).payload()).as("poison payload").isEqualTo(garbage);
                assertThat(poison.get(0).reason()).as("poison reason").isNotBlank();
            });
        }

        @Test
        @DisplayName("a consumer without a dead-letter sink keeps consuming past poison")
        void consumerWithoutDeadLetterKeepsConsuming() {
            String topic = uniqueName("poison-default");
            RecordingConsumer consumer = new RecordingConsumer(false);
            subscribe(topic, uniqueName("g"), consumer);

            publishRaw(topic, garbage);
            List<String> after = publishAll(bus(), topic, 3, 1);

            awaitAll(consumer, after);
            // the poison may sit on another partition than the events after it, consumed in parallel: wait for it
            awaitUntil("the poison message offered to the consumer", () -> !consumer.poisonMessages().isEmpty());
        }

        @Test
        @DisplayName("poison whose handling keeps failing is offered a bounded number of times")
        void poisonReofferIsBounded() {
            String topic = uniqueName("poison-bounded");
            RecordingConsumer consumer = new RecordingConsumer(false); // poison(...) always fails
            subscribe(topic, uniqueName("g"), consumer);

            publishRaw(topic, garbage);
            List<String> after = publishAll(bus(), topic, 3, 1);

            awaitAll(consumer, after);
            awaitUntil("the poison message offered", () -> !consumer.poisonMessages().isEmpty());
            int offered = consumer.poisonMessages().size();
            holdsThroughQuietPeriod(() -> assertThat(consumer.poisonMessages()).as("offers of one poison message"
                    + " whose handling always fails (must stop: dead-letter it or give up)").hasSize(offered));
            assertThat(offered).as("offers of one poison message").isLessThanOrEqualTo(maxPoisonOffers());
        }

        @Test
        @DisplayName("groups handle poison independently: one failing does not affect another")
        void poisonIsPerGroup() {
            String topic = uniqueName("poison-groups");
            RecordingConsumer handles = new RecordingConsumer(true);
            RecordingConsumer fails = new RecordingConsumer(false);
            subscribe(topic, uniqueName("handles"), handles);
            subscribe(topic, uniqueName("fails"), fails);

            publishRaw(topic, garbage);
            List<String> after = publishAll(bus(), topic, 3, 1);

            awaitAll(handles, after);
            awaitAll(fails, after);
            holdsThroughQuietPeriod(() -> assertThat(handles.poisonMessages())
                    .as("poison offers to the group that handles it (acknowledged once)").hasSize(1));
            assertThat(fails.poisonMessages()).as("poison offers to the group whose handling fails").isNotEmpty();
        }
    }

    @Nested
    @DisplayName("concurrent publishers")
    class ConcurrentPublishers {

        @Test
        @DisplayName("every publish completes and every event arrives exactly once per group")
        void everyEventArrivesOncePerGroup() throws InterruptedException {
            String topic = uniqueName("concurrent");
            List<RecordingConsumer> groups = new ArrayList<>();
            int groupCount = bus().capabilities().contains(BusCapability.CONSUMER_GROUPS) ? 2 : 1;
            for (int g = 0; g < groupCount; g++) {
                RecordingConsumer consumer = new RecordingConsumer();
                groups.add(consumer);
                subscribe(topic, uniqueName("g" + g), consumer);
            }

            int threads = concurrentPublishers();
            int each = eventsPerPublisher();
            List<String> ids = new CopyOnWriteArrayList<>();
            List<CompletionStage<Void>> stages = new CopyOnWriteArrayList<>();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            List<Thread> publishers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int publisher = t;
                publishers.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < each; i++) {
                            String id = "p" + publisher + "-" + i + "-" + uniqueName("e");
                            ids.add(id);
                            stages.add(bus().publish(topic, kitEvent(id, "key-" + (i % 16)).build()));
                        }
                    } catch (Throwable e) {
                        thrown.compareAndSet(null, e);
                    }
                }, "switchboard-kit-publisher-" + t));
            }
            publishers.forEach(Thread::start);
            for (Thread p : publishers) {
                p.join(deliveryTimeout().toMillis());
                assertThat(p.isAlive()).as("publisher %s still running after %s", p.getName(), deliveryTimeout()).isFalse();
            }
            assertThat(thrown.get()).as("exception thrown by publish").isNull();
            awaitAllAccepted(stages);

            for (RecordingConsumer consumer : groups) {
                awaitAll(consumer, ids);
            }
            holdsThroughQuietPeriod(() -> {
                for (int g = 0; g < groups.size(); g++) {
                    Map<String, Integer> counts = groups.get(g).deliveriesById();
                    assertThat(counts.keySet()).as("ids received by group %s", g).containsExactlyInAnyOrderElementsOf(ids);
                    assertThat(duplicates(counts)).as("duplicates in group %s", g).isEmpty();
                }
            });
        }
    }

    @Nested
    @DisplayName("lifecycle")
    class Lifecycle {

        @Test
        @DisplayName("close releases every thread the bus started")
        void closeReleasesEveryThread() {
            Set<Thread> baseline = liveThreads();
            EventBus fresh = newBus();
            String topic = uniqueName("threads");
            RecordingConsumer a = new RecordingConsumer();
            RecordingConsumer b = new RecordingConsumer();
            subscribe(fresh, topic, uniqueName("g1"), a);
            subscribe(fresh, topic, uniqueName("g2"), b);
            List<String> ids = publishAll(fresh, topic, 50, 5);
            awaitAll(a, ids);
            awaitAll(b, ids);

            closeWithin(fresh, deliveryTimeout());

            AtomicReference<List<Thread>> leaked = new AtomicReference<>(List.of());
            try {
                await("threads started by bus '" + fresh.type() + "' end after close").until(() -> {
                    List<Thread> extra = liveThreads().stream()
                            .filter(t -> !baseline.contains(t) && !isOutsideTheBus(t)).toList();
                    leaked.set(extra);
                    return extra.isEmpty();
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                fail("threads still alive " + deliveryTimeout() + " after close(): " + describe(leaked.get()));
            }
        }

        @Test
        @DisplayName("publishing on a closed bus fails with PublishRejectedException")
        void publishOnClosedBusFails() {
            EventBus closed = bus();
            closeWithin(closed, deliveryTimeout());

            CompletionStage<Void> stage;
            try {
                stage = closed.publish(uniqueName("closed"), kitEvent(uniqueName("id"), "k").build());
            } catch (PublishRejectedException | IllegalStateException rejected) {
                return; // failing fast is visible, and documented
            }
            CompletableFuture<Void> future = stage.toCompletableFuture();
            awaitUntil("publish on a closed bus completes", future::isDone);
            assertThat(future).as("publish on a closed bus must not report acceptance").isCompletedExceptionally();
            Throwable cause = future.handle((v, e) -> e).join();
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            assertThat(cause).as("why a publish on a closed bus failed (EventBus.publish documents"
                    + " PublishRejectedException)").isInstanceOf(PublishRejectedException.class);
        }

        @Test
        @DisplayName("closing twice, and closing a subscription after its bus, are harmless")
        void closeIsIdempotent() {
            Subscription subscription = subscribe(uniqueName("idem"), uniqueName("g"), new RecordingConsumer());
            closeWithin(bus(), deliveryTimeout());
            closeWithin(bus(), deliveryTimeout());
            closeWithin(subscription, deliveryTimeout());
            closeWithin(subscription, deliveryTimeout());
        }
        @Test
        @DisplayName("subscribing on a closed bus fails with IllegalStateException")
        void subscribeAfterCloseFails() {
            EventBus closed = bus();
            closeWithin(closed, deliveryTimeout());

            try {
                Subscription s = closed.subscribe(uniqueName("closed"), uniqueName("g"), new RecordingConsumer());
                toClose.add(0, s);
                fail("subscribe on a closed bus returned " + s + " instead of failing with IllegalStateException");
            } catch (IllegalStateException expected) {
                assertThat(expected.getMessage()).as("message of the exception").isNotBlank();
            }
        }

        @Test
        @DisplayName("every publish in flight when the bus closes completes, one way or the other")
        void publishesInFlightAtCloseComplete() throws InterruptedException {
            String topic = uniqueName("closing");
            subscribe(topic, uniqueName("g"), new RecordingConsumer());
            List<CompletableFuture<Void>> stages = new CopyOnWriteArrayList<>();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            Thread publisher = new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                    try {
                        stages.add(bus().publish(topic, kitEvent(uniqueName("e"), "k" + (i % 8)).build())
                                .toCompletableFuture());
                    } catch (PublishRejectedException | IllegalStateException rejected) {
                        stages.add(CompletableFuture.failedFuture(rejected));
                    } catch (Throwable t) {
                        unexpected.compareAndSet(null, t);
                        return;
                    }
                }
            }, "switchboard-kit-publisher");
            publisher.start();
            awaitUntil("some publishes under way", () -> stages.size() >= 50);

            closeWithin(bus(), deliveryTimeout());
            publisher.join(deliveryTimeout().toMillis());

            assertThat(publisher.isAlive()).as("publisher still running after close").isFalse();
            assertThat(unexpected.get()).as("exception thrown by publish while closing").isNull();
            awaitUntil("all " + stages.size() + " publish stages complete after close",
                    () -> stages.stream().allMatch(CompletableFuture::isDone));
        }

        @Test
        @DisplayName("a stage completing after its bus closed is ignored")
        void lateStageAfterCloseIsHarmless() {
            String topic = uniqueName("late");
            CompletableFuture<Void> late = new CompletableFuture<>();
            RecordingConsumer consumer = new RecordingConsumer().answering(e -> late);
            subscribe(topic, uniqueName("g"), consumer);
            List<String> ids = publishAll(bus(), topic, 1, 1);
            awaitAll(consumer, ids);

            closeWithin(bus(), deliveryTimeout());
            late.complete(null); // must not throw, reopen anything or deliver more

            holdsThroughQuietPeriod(() -> assertThat(consumer.deliveryCount()).as("deliveries after close")
                    .isEqualTo(1));
        }

        @Test
        @DisplayName("closing its subscription from inside a handler neither deadlocks nor delivers more")
        void closeFromInsideHandler() {
            String topic = uniqueName("self-close");
            AtomicReference<Subscription> self = new AtomicReference<>();
            java.util.concurrent.CountDownLatch subscribed = new java.util.concurrent.CountDownLatch(1);
            AtomicReference<Boolean> closedInside = new AtomicReference<>(false);
            RecordingConsumer consumer = new RecordingConsumer().answering(e -> {
                try {
                    subscribed.await(deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                self.get().close();
                closedInside.set(true);
                return CompletableFuture.completedFuture(null);
            });
            RecordingConsumer witness = new RecordingConsumer();
            self.set(subscribe(topic, uniqueName("g"), consumer));
            subscribed.countDown();
            subscribe(topic, uniqueName("witness"), witness);

            List<String> ids = publishAll(bus(), topic, 20, 1);

            awaitAll(witness, ids);
            awaitUntil("Subscription.close() called from inside deliver returned", closedInside::get);
            int delivered = consumer.deliveryCount();
            holdsThroughQuietPeriod(() -> assertThat(consumer.deliveryCount())
                    .as("deliveries after the handler closed its own subscription").isEqualTo(delivered));
            assertThat(delivered).as("deliveries before the handler's close took effect").isLessThan(ids.size());
        }
    }

    @Nested
    @DisplayName("back-pressure")
    class BackPressure {

        @Test
        @DisplayName("a consumer that never finishes is not flooded: its unfinished deliveries stay bounded")
        void slowConsumerIsBounded() {
            String topic = uniqueName("slow");
            List<CompletableFuture<Void>> unfinished = new CopyOnWriteArrayList<>();
            RecordingConsumer slow = new RecordingConsumer().answering(e -> {
                CompletableFuture<Void> stage = new CompletableFuture<>();
                unfinished.add(stage);
                return stage;
            });
            subscribe(topic, uniqueName("g"), slow);
            int count = 300;

            publishAll(bus(), topic, count, count);
            try {
                awaitUntil("the first delivery to the consumer that never finishes", () -> slow.deliveryCount() > 0);
                holdsThrough(quietPeriod(), () -> assertThat(slow.deliveryCount())
                        .as("unfinished deliveries to a consumer that never completes a stage (%s events over as"
                                + " many keys were published): a bus must bound what it hands out unacknowledged",
                                count).isLessThan(count));
            } finally {
                unfinished.forEach(stage -> stage.complete(null));
            }
        }

        @Test
        @DisplayName("a stalled group does not stall another group")
        void stalledGroupDoesNotStallAnother() {
            String topic = uniqueName("stalled");
            CompletableFuture<Void> never = new CompletableFuture<>();
            subscribe(topic, uniqueName("stalled"), new RecordingConsumer().answering(e -> never));
            RecordingConsumer healthy = new RecordingConsumer();
            subscribe(topic, uniqueName("healthy"), healthy);

            List<String> ids = publishAll(bus(), topic, 200, 4);

            try {
                awaitUntil("every event acknowledged by the healthy group while the other group is stalled",
                        () -> healthy.acknowledgedIds().containsAll(ids));
            } finally {
                never.complete(null);
            }
        }

        @Test
        @DisplayName("publishing under pressure is accepted or rejected, never silently dropped")
        void publishUnderPressureNeverDrops() {
            String topic = uniqueName("pressure");
            List<CompletableFuture<Void>> unfinished = new CopyOnWriteArrayList<>();
            AtomicReference<Boolean> stalled = new AtomicReference<>(true);
            RecordingConsumer consumer = new RecordingConsumer().answering(e -> {
                if (!stalled.get()) {
                    return CompletableFuture.completedFuture(null);
                }
                CompletableFuture<Void> stage = new CompletableFuture<>();
                unfinished.add(stage);
                return stage;
            });
            subscribe(topic, uniqueName("g"), consumer);

            int count = 3_000;
            Map<String, CompletableFuture<Void>> published = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String id = uniqueName("p" + i);
                CompletableFuture<Void> stage;
                try {
                    stage = bus().publish(topic, kitEvent(id, "one-key").build()).toCompletableFuture();
                } catch (RuntimeException thrown) {
                    stage = CompletableFuture.failedFuture(thrown);
                }
                published.put(id, stage);
            }
            stalled.set(false);
            unfinished.forEach(stage -> stage.complete(null));
            awaitUntil("every publish stage completes", () -> published.values().stream().allMatch(
                    CompletableFuture::isDone));

            List<String> accepted = new ArrayList<>();
            List<String> wronglyRejected = new ArrayList<>();
            published.forEach((id, stage) -> {
                if (!stage.isCompletedExceptionally()) {
                    accepted.add(id);
                } else {
                    Throwable cause = stage.handle((v, e) -> e).join();
                    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                        cause = cause.getCause();
                    }
                    if (!(cause instanceof io.switchboard.api.PublishRejectedException)) {
                        wronglyRejected.add(id + ": " + cause);
                    }
                }
            });
            assertThat(wronglyRejected).as("publishes that failed with something other than"
                    + " PublishRejectedException").isEmpty();
            awaitUntil(accepted.size() + " accepted events (of " + count + ") delivered",
                    () -> consumer.deliveriesById().keySet().containsAll(accepted));
        }
    }

    @Nested
    @DisplayName("topic names")
    class TopicNames {

        @Test
        @DisplayName("topics with dots that nest ('orders', 'orders.eu', 'orders.eu.paris') stay isolated")
        void nestedTopicsAreIsolated() {
            String base = uniqueName("orders");
            List<String> topics = List.of(base, base + ".eu", base + ".eu.paris", base + "-eu");
            Map<String, RecordingConsumer> consumers = new LinkedHashMap<>();
            for (String topic : topics) {
                RecordingConsumer consumer = new RecordingConsumer();
                consumers.put(topic, consumer);
                subscribe(topic, uniqueName("g"), consumer);
            }
            Map<String, List<String>> published = new LinkedHashMap<>();
            for (String topic : topics) {
                published.put(topic, publishAll(bus(), topic, 5, 2));
            }

            published.forEach((topic, ids) -> awaitAll(consumers.get(topic), ids));
            holdsThroughQuietPeriod(() -> published.forEach((topic, ids) -> assertThat(consumers.get(topic)
                    .deliveriesById()).as("events received on topic '%s'", topic).containsOnlyKeys(ids)));
        }

        @Test
        @DisplayName("a new group starts on a topic with history where newGroupStart() says")
        void newGroupStartsWhereDocumented() {
            String topic = uniqueName("history");
            RecordingConsumer existing = new RecordingConsumer();
            subscribe(topic, uniqueName("existing"), existing); // the topic keeps events for a group that exists
            List<String> history = publishAll(bus(), topic, 5, 1);
            awaitAll(existing, history);

            RecordingConsumer newcomer = new RecordingConsumer();
            subscribe(topic, uniqueName("new"), newcomer);
            List<String> fresh = publishAll(bus(), topic, 5, 1);

            awaitAll(newcomer, fresh);
            if (newGroupStart() == GroupStart.EARLIEST) {
                awaitUntil("the topic's history delivered to a new group (newGroupStart() is EARLIEST)",
                        () -> newcomer.deliveriesById().keySet().containsAll(history));
            } else {
                holdsThroughQuietPeriod(() -> assertThat(newcomer.deliveriesById())
                        .as("events a new group received (newGroupStart() is LATEST: override it if this bus"
                                + " starts new groups at the earliest event)").containsOnlyKeys(fresh));
            }
        }
    }

    @Nested
    @DisplayName("scale-out")
    class ScaleOut {

        private static final int KEYS = 24;
        private static final int ROUNDS = 5;

        @BeforeEach
        void requiresGroupsAndOrder() {
            requireCapability(BusCapability.CONSUMER_GROUPS, "scale-out tests skipped");
            requireCapability(BusCapability.ORDERED_PER_KEY, "scale-out tests skipped (they check per-key order)");
        }

        @Test
        @DisplayName("members share the load: every member of a group receives events")
        void everyMemberReceivesEvents() {
            KeyedStream stream = new KeyedStream(KEYS);
            List<Member> members = List.of(stream.join("m1"), stream.join("m2"), stream.join("m3"));
            stream.untilEveryMemberReceived(members);
            stream.publishRounds(ROUNDS);

            stream.awaitAllAcknowledged(members);
            stream.assertNoOverlapAndStrictOrder();
            for (Member m : members) {
                assertThat(m.consumer.deliveryCount()).as("deliveries to member %s of 3", m.name).isPositive();
            }
        }

        @Test
        @DisplayName("a member joining mid-stream: per-key order kept, nothing lost or repeated")
        void joinMidStream() {
            KeyedStream stream = new KeyedStream(KEYS);
            List<Member> members = new ArrayList<>(List.of(stream.join("m1"), stream.join("m2")));
            stream.untilEveryMemberReceived(members);
            stream.publishRounds(ROUNDS);
            members.add(stream.join("m3"));
            stream.publishRounds(ROUNDS);

            stream.awaitAllAcknowledged(members);
            stream.assertNoOverlapAndStrictOrder();
            holdsThrough(quietPeriod(), () -> assertThat(stream.timeline.duplicates())
                    .as("events delivered twice although no member crashed").isZero());
        }

        @Test
        @DisplayName("a member leaving cleanly mid-stream: per-key order kept, nothing lost or repeated")
        void cleanLeaveMidStream() {
            KeyedStream stream = new KeyedStream(KEYS);
            List<Member> members = List.of(stream.join("m1"), stream.join("m2"), stream.join("m3"));
            stream.untilEveryMemberReceived(members);
            stream.publishRounds(ROUNDS);
            Member leaving = members.get(1);
            closeWithin(leaving.subscription, deliveryTimeout());
            int deliveriesAtLeave = leaving.consumer.deliveryCount();
            stream.publishRounds(ROUNDS);

            stream.awaitAllAcknowledged(members);
            stream.assertNoOverlapAndStrictOrder();
            holdsThrough(quietPeriod(), () -> {
                assertThat(stream.timeline.duplicates()).as("events delivered twice although no member crashed")
                        .isZero();
                assertThat(leaving.consumer.deliveryCount()).as("deliveries to member %s after it left",
                        leaving.name).isEqualTo(deliveriesAtLeave);
            });
        }

        @Test
        @DisplayName("an acknowledged event never comes back, through joins and leaves")
        void acknowledgedEventNeverComesBack() {
            KeyedStream stream = new KeyedStream(KEYS);
            List<Member> members = new ArrayList<>(List.of(stream.join("m1"), stream.join("m2")));
            stream.untilEveryMemberReceived(members);
            stream.publishRounds(ROUNDS);
            stream.awaitAllAcknowledged(members);

            members.add(stream.join("m3"));
            closeWithin(members.get(0).subscription, deliveryTimeout());
            members.add(stream.join("m4"));

            holdsThrough(redeliveryTimeout().plus(quietPeriod()), () -> assertThat(stream.timeline.duplicates())
                    .as("acknowledged events delivered again after members joined and left").isZero());
        }

        @Nested
        @DisplayName("with a crash")
        class WithACrash {

            @BeforeEach
            void requiresCrashHook() {
                requireCrashHook();
            }

            @Test
            @DisplayName("a member crashing mid-stream: nothing lost, per-key order kept, duplicates counted")
            void crashMidStream() {
                KeyedStream stream = new KeyedStream(KEYS);
                List<Member> members = List.of(stream.join("m1"), stream.join("m2"), stream.join("m3"));
                stream.untilEveryMemberReceived(members);
                stream.publishRounds(ROUNDS);
                stream.crash(members.get(1));
                stream.publishRounds(ROUNDS);

                stream.awaitAllAcknowledged(members);
                int deliveries = stream.timeline.deliveryCount();
                holdsThrough(redeliveryTimeout().plus(quietPeriod()), () -> assertThat(stream.timeline.deliveryCount())
                        .as("deliveries after every event was acknowledged (nothing more may arrive)")
                        .isEqualTo(deliveries));
                assertThat(stream.timeline.overlaps()).as("keys handled by two members at once").isEmpty();
                assertThat(stream.timeline.orderViolations(false))
                        .as("keys whose events arrived before an earlier event of the key").isEmpty();
                assertThat(stream.timeline.deliveriesAfterCrash()).as("deliveries to the crashed member").isEmpty();
                reportDuplicates("crash mid-stream", stream);
            }

            @Test
            @DisplayName("a member crashing while another joins: nothing lost, per-key order kept")
            void crashWhileJoining() {
                KeyedStream stream = new KeyedStream(KEYS);
                List<Member> members = new ArrayList<>(List.of(stream.join("m1"), stream.join("m2")));
                stream.untilEveryMemberReceived(members);
                stream.publishRounds(ROUNDS);
                stream.crash(members.get(0));
                members.add(stream.join("m3"));
                stream.publishRounds(ROUNDS);

                stream.awaitAllAcknowledged(members);
                assertThat(stream.timeline.overlaps()).as("keys handled by two members at once").isEmpty();
                assertThat(stream.timeline.orderViolations(false))
                        .as("keys whose events arrived before an earlier event of the key").isEmpty();
                reportDuplicates("crash while joining", stream);
            }
        }
    }

    @Nested
    @DisplayName("explicit partition key")
    class KeyedPublish {

        @BeforeEach
        void requiresConsumerGroups() {
            requireCapability(BusCapability.CONSUMER_GROUPS,
                    "explicit-key publishing is required of buses with consumer groups only");
        }

        @Test
        @DisplayName("publish(topic, event, key) delivers the event unchanged")
        void keyedEventArrivesUnchanged() {
            String topic = uniqueName("keyed");
            RecordingConsumer consumer = new RecordingConsumer();
            subscribe(topic, uniqueName("g"), consumer);
            CloudEvent withOwnKey = kitEvent(uniqueName("id"), "own-key").build();
            CloudEvent withoutKey = CloudEventBuilder.v1().withId(uniqueName("id")).withSource(KIT_SOURCE)
                    .withType(KIT_EVENT_TYPE).build();

            awaitAccepted(bus().publish(topic, withOwnKey, "explicit-key"));
            awaitAccepted(bus().publish(topic, withoutKey, "explicit-key"));

            awaitAll(consumer, List.of(withOwnKey.getId(), withoutKey.getId()));
            Map<String, CloudEvent> received = consumer.deliveries().stream()
                    .collect(Collectors.toMap(CloudEvent::getId, e -> e, (a, b) -> a));
            CloudEvent first = received.get(withOwnKey.getId());
            assertThat(first.getSubject()).as("subject of an event published under an explicit key").isEqualTo("own-key");
            assertThat(String.valueOf(first.getExtension(PARTITION_KEY)))
                    .as("its own partitionkey extension (the explicit key must not replace it)").isEqualTo("own-key");
            assertThat(first.getExtensionNames()).as("extension names").containsExactlyInAnyOrderElementsOf(
                    withOwnKey.getExtensionNames());
            CloudEvent second = received.get(withoutKey.getId());
            assertThat(second.getSubject()).as("subject of an event without one").isNull();
            assertThat(second.getExtensionNames()).as("extensions of an event without any (the key is not added)")
                    .isEmpty();
        }

        @Test
        @DisplayName("events with different subjects but one explicit key arrive in order, on one member")
        void explicitKeyDecidesOrderAndMember() {
            requireCapability(BusCapability.ORDERED_PER_KEY, "ordering under an explicit key not checked");
            KeyedStream stream = new KeyedStream(12);
            List<Member> members = List.of(stream.join("m1"), stream.join("m2"), stream.join("m3"));
            stream.untilEveryMemberReceived(members); // membership settled: no hand-over during the keyed events

            List<CompletionStage<Void>> stages = new ArrayList<>();
            List<String> keyed = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "explicit-" + i + "-" + uniqueName("e");
                keyed.add(id);
                // a different subject and partitionkey each time: only the explicit key keeps them together
                stages.add(bus().publish(stream.topic, kitEvent(id, "own-" + i).withExtension("kitseq", i).build(),
                        "the-explicit-key"));
            }
            awaitAllAccepted(stages);
            awaitUntil("all 40 events published under one explicit key acknowledged",
                    () -> stream.acknowledged(members).containsAll(keyed));

            Map<String, List<String>> byMember = new HashMap<>();
            for (Member m : members) {
                List<String> got = m.consumer.deliveries().stream().map(CloudEvent::getId).filter(keyed::contains)
                        .toList();
                if (!got.isEmpty()) {
                    byMember.put(m.name, got);
                }
            }
            assertThat(byMember).as("members that received events of the one explicit key").hasSize(1);
            assertThat(byMember.values().iterator().next()).as("arrival order of the events of the explicit key")
                    .containsExactlyElementsOf(keyed);
        }
    }

    @Nested
    @DisplayName("held acknowledgement")
    class HeldAcknowledgement {

        @BeforeEach
        void requiresHeldAcknowledgement() {
            requireCapability(BusCapability.HELD_ACKNOWLEDGEMENT, "held-acknowledgement tests skipped");
        }

        @Test
        @DisplayName("a held event is not redelivered while held, and later events of its key still arrive")
        void heldEventStaysWhileLaterEventsArrive() {
            String topic = uniqueName("held");
            String held = uniqueName("held");
            RecordingConsumer consumer = new RecordingConsumer().holding(e -> e.getId().equals(held));
            subscribe(topic, uniqueName("g"), consumer);

            awaitAccepted(bus().publish(topic, kitEvent(held, "key-0").build()));
            List<String> later = publishAll(bus(), topic, 5, 1);

            awaitUntil("event " + held + " held", () -> consumer.heldIds().contains(held));
            awaitUntil("later events of the held event's key acknowledged while it is held",
                    () -> consumer.acknowledgedIds().containsAll(later));
            holdsThrough(redeliveryTimeout().plus(quietPeriod()), () -> {
                assertThat(consumer.timesReceived(held)).as("deliveries of the held event while held").isEqualTo(1);
                assertThat(consumer.heldIds()).as("events held").containsExactly(held);
                assertThat(consumer.returnedIds()).as("held events taken back").isEmpty();
            });
        }

        @Test
        @DisplayName("a released event never comes back, even after its member leaves and another joins")
        void releasedEventNeverComesBack() {
            requireCapability(BusCapability.CONSUMER_GROUPS, "hand-over needs groups");
            String topic = uniqueName("held-released");
            String group = uniqueName("g");
            String held = uniqueName("held");
            RecordingConsumer first = new RecordingConsumer().holding(e -> e.getId().equals(held));
            Subscription firstSubscription = subscribe(topic, group, first);
            awaitAccepted(bus().publish(topic, kitEvent(held, "key-0").build()));
            List<String> later = publishAll(bus(), topic, 3, 1);
            awaitUntil("event " + held + " held", () -> first.heldIds().contains(held));
            awaitUntil("later events of its key acknowledged while " + held + " is held",
                    () -> first.acknowledgedIds().containsAll(later));

            assertThat(first.release(held)).as("test setup: the first member holds " + held).isTrue();
            closeWithin(firstSubscription, deliveryTimeout());
            RecordingConsumer second = new RecordingConsumer();
            subscribe(topic, group, second);
            List<String> marker = publishAll(bus(), topic, 1, 1);

            awaitAll(second, marker);
            holdsThrough(redeliveryTimeout().plus(quietPeriod()), () -> assertThat(second.deliveriesById())
                    .as("deliveries to the next member (the released event and those before the marker were"
                            + " acknowledged)").containsOnlyKeys(marker));
        }

        @Test
        @DisplayName("an unreleased held event goes to another member when its holder closes, and whenReturned runs")
        void unreleasedEventReturnsWhenHolderCloses() {
            requireCapability(BusCapability.CONSUMER_GROUPS, "hand-over needs groups");
            String topic = uniqueName("held-returned");
            String group = uniqueName("g");
            String held = uniqueName("held");
            RecordingConsumer holder = new RecordingConsumer().holding(e -> e.getId().equals(held));
            Subscription holderSubscription = subscribe(topic, group, holder);
            awaitAccepted(bus().publish(topic, kitEvent(held, "key-0").build()));
            List<String> later = publishAll(bus(), topic, 3, 1);
            awaitUntil("event " + held + " held", () -> holder.heldIds().contains(held));
            awaitUntil("later events of its key acknowledged while " + held + " is held",
                    () -> holder.acknowledgedIds().containsAll(later));

            RecordingConsumer next = new RecordingConsumer();
            subscribe(topic, group, next);
            closeWithin(holderSubscription, deliveryTimeout());

            awaitUntil("whenReturned ran for " + held + " when its holder closed",
                    () -> holder.returnedIds().contains(held));
            awaitUntil("held event " + held + " delivered to the next member and acknowledged",
                    () -> next.acknowledgedIds().contains(held));
            // a bus that commits positions (Kafka offsets) may bring back the events after the held one with it
        }

        @Test
        @DisplayName("an unreleased held event goes to another member when its holder crashes")
        void unreleasedEventReturnsWhenHolderCrashes() {
            requireCapability(BusCapability.CONSUMER_GROUPS, "hand-over needs groups");
            requireCrashHook();
            String topic = uniqueName("held-crash");
            String group = uniqueName("g");
            String held = uniqueName("held");
            EventBus holderBus = memberBus();
            RecordingConsumer holder = new RecordingConsumer().holding(e -> e.getId().equals(held));
            subscribe(holderBus, topic, group, holder);
            awaitAccepted(bus().publish(topic, kitEvent(held, "key-0").build()));
            List<String> later = publishAll(bus(), topic, 3, 1);
            awaitUntil("event " + held + " held", () -> holder.heldIds().contains(held));
            awaitUntil("later events of its key acknowledged while " + held + " is held",
                    () -> holder.acknowledgedIds().containsAll(later));

            RecordingConsumer next = new RecordingConsumer();
            subscribe(memberBus(), topic, group, next);
            crash(holderBus);

            try {
                await("held event " + held + " delivered to the next member after its holder crashed")
                        .atMost(redeliveryTimeout().plus(deliveryTimeout()))
                        .until(() -> next.acknowledgedIds().contains(held));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                fail("held event " + held + " not redelivered within " + redeliveryTimeout().plus(deliveryTimeout())
                        + " after its holder crashed");
            }
        }
    }

    /** The scale-out tests' duplicates are legal only after a crash: counted and reported, never failed on. */
    private void reportDuplicates(String scenario, KeyedStream stream) {
        System.out.printf("bus compatibility kit, bus '%s', %s: %d deliveries of %d events, %d duplicates%n",
                bus().type(), scenario, stream.timeline.deliveryCount(), stream.ids.size(),
                stream.timeline.duplicates());
    }

    /** Skips the calling test unless the bus test overrides {@link #crash(EventBus)}. */
    protected final void requireCrashHook() {
        boolean overridden = false;
        for (Class<?> c = getClass(); c != null && c != EventBusCompatibilityKit.class; c = c.getSuperclass()) {
            try {
                c.getDeclaredMethod("crash", EventBus.class);
                overridden = true;
                break;
            } catch (NoSuchMethodException notHere) {
                // look further up
            }
        }
        assumeTrue(overridden, () -> "crash(EventBus) is not overridden for bus '" + bus().type()
                + "': the crash tests need a way to abort a member like a killed process");
    }

    /** One member of a group: its own bus client, subscription and recording consumer. */
    final class Member {
        final String name;
        final EventBus bus;
        final Subscription subscription;
        final RecordingConsumer consumer;

        Member(String name, EventBus bus, Subscription subscription, RecordingConsumer consumer) {
            this.name = name;
            this.bus = bus;
            this.subscription = subscription;
            this.consumer = consumer;
        }
    }

    private EventBus memberBus() {
        EventBus member = createMemberBus();
        assertThat(member).as("createMemberBus() returned null").isNotNull();
        if (member != bus) {
            toClose.add(member);
        }
        return member;
    }

    /**
     * Events over a fixed set of keys, each carrying its sequence number within its key ({@code kitseq}), published
     * to one topic and consumed by the members of one group, all recorded in one {@link KeyTimeline}.
     */
    final class KeyedStream {
        final String topic = uniqueName("scale");
        final String group = uniqueName("g");
        final KeyTimeline timeline = new KeyTimeline();
        final List<String> ids = new ArrayList<>();
        private final int[] next;

        KeyedStream(int keys) {
            this.next = new int[keys];
        }

        Member join(String name) {
            EventBus on = memberBus();
            RecordingConsumer consumer = new RecordingConsumer().answering(e -> timeline.handle(name, e));
            return new Member(name, on, subscribe(on, topic, group, consumer), consumer);
        }

        /** Publishes one event per key, {@code rounds} times, and waits until the bus accepted them. */
        void publishRounds(int rounds) {
            List<CompletionStage<Void>> stages = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < next.length; k++) {
                    int seq = next[k]++;
                    String id = "k" + k + "-s" + seq + "-" + uniqueName("e");
                    ids.add(id);
                    stages.add(bus().publish(topic, kitEvent(id, "key-" + k).withExtension("kitseq", seq).build()));
                }
            }
            awaitAllAccepted(stages);
        }

        /**
         * Publishes rounds until every member received something: membership settles (e.g. a rebalance ends) before
         * the test's own phases start. Fails, naming the members left out, if one never receives anything.
         */
        void untilEveryMemberReceived(List<Member> members) {
            Set<String> names = members.stream().map(m -> m.name).collect(Collectors.toSet());
            long deadline = System.nanoTime() + deliveryTimeout().toNanos();
            while (true) {
                publishRounds(1);
                if (within(Duration.ofMillis(300), () -> timeline.membersThatReceived().containsAll(names))) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    Set<String> idle = new HashSet<>(names);
                    idle.removeAll(timeline.membersThatReceived());
                    fail("load not shared: members " + idle + " of " + names + " received nothing within "
                            + deliveryTimeout() + " while " + ids.size() + " events over " + next.length + " keys were"
                            + " published to their group");
                }
            }
        }

        /** Aborts a member with {@link #crash(EventBus)}; what it acknowledged until then counts as acknowledged. */
        void crash(Member member) {
            timeline.crashing(member.name);
            EventBusCompatibilityKit.this.crash(member.bus);
            timeline.crashed(member.name, member.consumer.acknowledgedIds());
        }

        /** Waits until every published event was acknowledged by a member (a crashed one: before it crashed). */
        void awaitAllAcknowledged(List<Member> members) {
            awaitUntil("all " + ids.size() + " events acknowledged by the members of group " + group,
                    () -> acknowledged(members).containsAll(ids));
        }

        Set<String> acknowledged(List<Member> members) {
            Set<String> acked = new HashSet<>();
            for (Member m : members) {
                acked.addAll(timeline.isCrashed(m.name) ? timeline.acknowledgedBeforeCrash(m.name)
                        : m.consumer.acknowledgedIds());
            }
            return acked;
        }

        void assertNoOverlapAndStrictOrder() {
            assertThat(timeline.overlaps()).as("keys handled by two members at once").isEmpty();
            assertThat(timeline.orderViolations(true)).as("keys whose events arrived out of order or twice").isEmpty();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Skips the calling test (visibly) unless the bus declares {@code capability}. */
    protected final void requireCapability(BusCapability capability, String consequence) {
        assumeTrue(bus().capabilities().contains(capability), () -> "bus '" + bus().type()
                + "' does not declare BusCapability." + capability + ": " + consequence);
    }

    /** A kit event builder with the given id and partition key (as {@code subject} and {@code partitionkey}). */
    protected static CloudEventBuilder kitEvent(String id, String key) {
        return CloudEventBuilder.v1().withId(id).withSource(KIT_SOURCE).withType(KIT_EVENT_TYPE).withSubject(key)
                .withExtension(PARTITION_KEY, key).withDataContentType("text/plain")
                .withData(id.getBytes(StandardCharsets.UTF_8));
    }

    /** Publishes {@code count} kit events spread over {@code keys} keys and waits until each was accepted. */
    private List<String> publishAll(EventBus on, String topic, int count, int keys) {
        List<String> ids = new ArrayList<>();
        List<CompletionStage<Void>> stages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = uniqueName("e" + i);
            ids.add(id);
            stages.add(on.publish(topic, kitEvent(id, "key-" + (i % keys)).build()));
        }
        awaitAllAccepted(stages);
        return ids;
    }

    /** Joins {@code group}, has it acknowledge {@code count} fresh events (one key), then closes the subscription. */
    private void acknowledgeAndLeave(String topic, String group, int count) {
        RecordingConsumer member = new RecordingConsumer();
        Subscription subscription = subscribe(topic, group, member);
        List<String> ids = publishAll(bus(), topic, count, 1);
        awaitUntil(count + " events acknowledged before leaving group " + group,
                () -> member.acknowledgedIds().containsAll(ids));
        closeWithin(subscription, deliveryTimeout());
    }

    private void awaitAccepted(CompletionStage<Void> stage) {
        awaitAllAccepted(List.of(stage));
    }

    private void awaitAllAccepted(Collection<CompletionStage<Void>> stages) {
        CompletableFuture<?>[] futures = stages.stream().map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(futures).get(deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            long pending = Arrays.stream(futures).filter(f -> !f.isDone()).count();
            fail(pending + " of " + futures.length + " publish stages still incomplete after " + deliveryTimeout());
        } catch (java.util.concurrent.ExecutionException e) {
            fail("a publish was rejected although nothing failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting for publish stages");
        }
    }

    private void awaitAll(RecordingConsumer consumer, Collection<String> ids) {
        awaitUntil(ids.size() + " events delivered", () -> consumer.deliveriesById().keySet().containsAll(ids));
    }

    private ConditionFactory await(String description) {
        return Awaitility.await(description).atMost(deliveryTimeout()).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    /** Waits until {@code condition} holds, failing after {@link #deliveryTimeout()} with {@code description}. */
    protected final void awaitUntil(String description, BooleanSupplier condition) {
        try {
            await(description).until(condition::getAsBoolean);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail("not within " + deliveryTimeout() + ": " + description);
        }
    }

    /**
     * Asserts that {@code assertions} hold throughout {@link #quietPeriod()}: a delivery the bus must not make (a
     * duplicate, an event to a closed member) shows up within that period if it happens at all.
     */
    private void holdsThroughQuietPeriod(ThrowingRunnable assertions) {
        holdsThrough(quietPeriod(), assertions);
    }

    /** Asserts that {@code assertions} hold throughout {@code period} (e.g. past the redelivery timeout). */
    private void holdsThrough(Duration period, ThrowingRunnable assertions) {
        Awaitility.await("assertions holding throughout " + period)
                .during(period).atMost(period.plus(deliveryTimeout()))
                .pollInSameThread().pollInterval(Duration.ofMillis(20)).untilAsserted(assertions);
    }

    /** Whether {@code condition} holds within {@code limit}; {@code false} (not a failure) if not. */
    private static boolean within(Duration limit, BooleanSupplier condition) {
        try {
            Awaitility.await().atMost(limit).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(5)).until(condition::getAsBoolean);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Map<String, Integer> union(RecordingConsumer a, RecordingConsumer b) {
        Map<String, Integer> counts = new HashMap<>(a.deliveriesById());
        b.deliveriesById().forEach((id, n) -> counts.merge(id, n, Integer::sum));
        return counts;
    }

    /** The ids delivered more than once, with their counts: at most ten shown, then how many more. */
    private static List<String> duplicates(Map<String, Integer> counts) {
        List<String> repeated = counts.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " x" + e.getValue()).sorted().collect(Collectors.toList());
        if (repeated.size() > 10) {
            int more = repeated.size() - 10;
            repeated = new ArrayList<>(repeated.subList(0, 10));
            repeated.add("... and " + more + " more");
        }
        return repeated;
    }

    /** Closes on a helper thread so a hanging close fails the test instead of hanging the build. */
    private static void closeWithin(AutoCloseable closeable, Duration timeout) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread closer = new Thread(() -> {
            try {
                closeable.close();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "switchboard-kit-close");
        closer.setDaemon(true); // a close that never returns fails the test and must not keep the JVM alive
        closer.start();
        try {
            closer.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            fail(closeable + ".close() did not return within " + timeout);
        }
        if (failure.get() != null) {
            fail(closeable + ".close() threw " + failure.get(), failure.get());
        }
    }

    /**
     * Closes a subscription while one of its deliveries is unfinished. {@link Subscription#close()} stops consumption
     * "after in-flight deliveries finish (or are abandoned unacknowledged)": it may wait for the stage, but only for a
     * bounded time, since a hung handler must not keep the subscription (and the events behind it) forever.
     */
    private void closeWhileUnfinished(Subscription subscription, CompletableFuture<Void> stage) {
        try {
            closeWithin(subscription, deliveryTimeout());
        } catch (AssertionError blocked) {
            stage.complete(null); // release the close thread before failing
            fail("Subscription.close() did not return within " + deliveryTimeout() + " while a delivery's stage was"
                    + " unfinished: close must abandon an unfinished delivery unacknowledged (so another member gets"
                    + " it) instead of waiting for it indefinitely");
        }
        assertThat(stage).as("test setup: the stage must still be unfinished after close").isNotDone();
    }

    private static Set<Thread> liveThreads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    private static String describe(List<Thread> threads) {
        return threads.stream().map(t -> {
            StackTraceElement[] stack = t.getStackTrace();
            return "'" + t.getName() + "' (" + t.getState() + (stack.length > 0 ? " at " + stack[0] : "") + ")";
        }).collect(Collectors.joining(", "));
    }

    private static byte[] dataOf(CloudEvent event) {
        CloudEventData data = event.getData();
        assertThat(data).as("data of event %s", event.getId()).isNotNull();
        return data.toBytes();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Class<?> typeFamily(Object value) {
        return value instanceof Integer ? Number.class : value.getClass() == OffsetDateTime.class
                ? OffsetDateTime.class : value.getClass();
    }

}
