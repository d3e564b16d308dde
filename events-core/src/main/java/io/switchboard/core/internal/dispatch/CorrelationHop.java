package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Acknowledgement;
import io.switchboard.api.EventBus;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.Scheduler;
import io.switchboard.core.internal.trigger.AttributeReader;
import io.switchboard.core.internal.trigger.ThrottledLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The first hop of a correlated subscriber on a durable bus shared by several instances (docs/scaling.md): instead
 * of offering an event that passed one of its input filters to the firing gate of this instance, re-publish it to the
 * subscriber's correlation topic on the same bus, keyed by its correlation value, so that all events of one key meet
 * on the one member that owns the key's partition; {@link CorrelationInlet} offers them to the gate there.
 *
 * <p>The copy carries the input's name in extension {@value #INPUTS} (stripped before the gate and the handler see the
 * event). The source event is acknowledged only once the bus accepted the copy. An event without the correlation
 * attribute is counted as uncorrelated here and not re-published.
 *
 * <p><b>Not waiting for the publish round trip.</b> A bus hands a key's events over one at a time, and on Kafka a
 * lane runs one piece of work at a time: if the source event's stage waited for the copy to be accepted, every lane
 * would wait a full producer round trip (at least its linger) per event. So when the source bus declares
 * {@link io.switchboard.api.BusCapability#HELD_ACKNOWLEDGEMENT}, {@link TopicRouter} routes the event under a
 * {@link HeldTurn}: a publish that has not completed by the time {@code publish} returns
 * {@link Acknowledgement#hold() holds} the event, the stage completes as soon as the other routes are done (the copy
 * was handed to the bus), and the event is {@link Acknowledgement#release() released} when every copy it caused was
 * accepted. Until then it stays unacknowledged (Kafka: its offset is not committed), so a crash redelivers it and
 * the copy is published again: nothing is lost, copies may be duplicated (the second hop is at least once anyway).
 * A failed publish is retried with exponential backoff (20 ms doubling up to 5 s) while the event stays held; retries stop when the bus takes the event back
 * ({@link Acknowledgement#whenReturned}: it redelivers it, usually to another member, which publishes again), when
 * the event's stage failed (it is redelivered too) or when the runtime closes ({@link #close()}). Failures are
 * logged (throttled) and counted ({@link #failedPublishes()}). Buses without held acknowledgements call
 * {@link TopicRouter#deliver(CloudEvent)}: the stage then waits for the copy as before, and a failed publish fails
 * it, so the bus redelivers the event.
 *
 * <p><b>Order.</b> The gate on the owning member sees a key's copies in the order they sit on the correlation topic.
 * Every first attempt is issued synchronously within the source event's turn, and the bus starts a source key's next
 * event only after that turn ended, so the copies of one source key are handed to the producer in the key's order;
 * the producer keeps the order of the sends it was handed per partition (Kafka: idempotent producer, in-flight
 * requests retried in order), so without failures the copies land in order, as before, where the next event
 * started only after the copy was accepted. Only a publish that failed outright and is retried here may land after
 * copies of later events of the same key — the same reordering a redelivery caused before, when a failed publish
 * failed the stage and the bus redelivered the event after later ones had been handled elsewhere.
 *
 * <p>Also re-publishes long-held events as re-parked copies (extension {@value #PARKED}: when the original first
 * arrived, epoch millis). A copy travels under an id of its own (the original id is kept in {@value #PARKED_ID} and
 * restored by {@link CorrelationInlet}): the copy is the same event on the same topic, and a bus that suppresses
 * duplicates by {@code source} and {@code id} within a window (NATS's {@code Nats-Msg-Id}, Redis's publish-side
 * suppression) would otherwise drop it while the original is released — losing the held event. Immutable and
 * thread-safe.
 */
public final class CorrelationHop {

    /** Extension naming the input a re-keyed copy matched (reserved; stripped before the handler sees the event). */
    public static final String INPUTS = "sbinputs";
    /** Extension marking a re-parked copy; its value is when the original first arrived (epoch millis). Reserved. */
    public static final String PARKED = "sbparked";
    /** Extension of a re-parked copy holding the original event id, which the copy's own id replaces in transit. */
    public static final String PARKED_ID = "sbparkedid";
    /** The partition key of a subscriber without {@code correlateBy}: all its events meet on one member. */
    static final String SINGLE_KEY = "switchboard.correlate";

    private static final Logger log = LoggerFactory.getLogger(CorrelationHop.class);
    private static final java.util.concurrent.atomic.AtomicLong PARKS = new java.util.concurrent.atomic.AtomicLong();
    private static final String PREFIX = "switchboard.correlate.";
    private static final int MAX_TOPIC = 200;
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_\\-]+");
    static final long RETRY_INITIAL_MILLIS = 20;
    static final long RETRY_MAX_MILLIS = 5_000;

    private final EventBus bus;
    private final String busName;
    private final String topic;
    private final AttributeReader correlation;
    private final ThrottledLog uncorrelated;
    private final ThrottledLog failures;
    private final Scheduler scheduler;
    private final LongAdder failedPublishes = new LongAdder();
    private volatile boolean closed;

    /**
     * @param correlateBy the correlation attribute, or {@code null}: one fixed key
     */
    public CorrelationHop(EventBus bus, String busName, String topic, String correlateBy, Scheduler scheduler) {
        this.bus = bus;
        this.busName = busName;
        this.topic = topic;
        this.correlation = correlateBy == null ? null : AttributeReader.of(correlateBy);
        this.scheduler = scheduler;
        this.uncorrelated = new ThrottledLog(log, scheduler.clock(), Duration.ofSeconds(10));
        this.failures = new ThrottledLog(log, scheduler.clock(), Duration.ofSeconds(10));
    }

    /** Stops retrying failed publishes of held events (the runtime closes; the bus redelivers them). */
    public void close() {
        closed = true;
    }

    /** Publishes of held events that failed (each retry counts). */
    public long failedPublishes() {
        return failedPublishes.sum();
    }

    /**
     * The correlation topic of a subscriber: {@code switchboard.correlate.<group>.<trigger>.<subscriber>}. The group is
     * part of it because a bus topic is shared by every group: two applications with the same trigger names must not
     * read each other's copies. When a part contains a dot (which would make two names meet) or the name would be
     * longer than 200 characters (the topic-name rule), the parts are shortened and a hash of all three is appended.
     */
    public static String topicName(String group, String trigger, String subscriber) {
        String plain = PREFIX + group + "." + trigger + "." + subscriber;
        if (plain.length() <= MAX_TOPIC && PLAIN.matcher(group).matches() && PLAIN.matcher(trigger).matches()
                && PLAIN.matcher(subscriber).matches()) {
            return plain;
        }
        String hash = sha256(group + '\u0000' + trigger + '\u0000' + subscriber).substring(0, 16);
        String readable = (clip(group) + "." + clip(trigger) + "." + clip(subscriber)).replace("..", ".");
        return PREFIX + readable + "." + hash;
    }

    public String topic() {
        return topic;
    }

    /** The name of the bus (namespace) the correlation topic is on. */
    public String busName() {
        return busName;
    }

    /** The partition key of {@code event}, or {@code null} when it lacks the correlation attribute. */
    String keyOf(CloudEvent event) {
        return correlation == null ? SINGLE_KEY : correlation.read(event);
    }

    /** Re-publishes {@code event} (passed the filter of {@code input}) to the correlation topic; see class doc. */
    Tracker forward(SubscriberDispatch d, String input, CloudEvent event, Tracker tracker) {
        d.counters.received.increment();
        d.counters.matched.increment();
        String key = keyOf(event);
        if (key == null) {
            d.counters.uncorrelated.increment();
            uncorrelated.warn("{}: event {} of input '{}' has no '{}' attribute to correlate by; it is not held and"
                    + " cannot fire (counted as uncorrelated)", d, event.getId(), input, correlation.name());
            return tracker;
        }
        CloudEvent copy = CloudEventBuilder.from(event).withExtension(INPUTS, input).build();
        CompletionStage<Void> sent = send(copy, key);
        d.counters.rekeyed.increment();
        if (tracker instanceof HeldTurn turn) {
            if (!Stages.completedNormally(sent)) {
                turn.publishing();
                new Attempt(turn, copy, key, input, d).watch(sent);
            }
            return turn;
        }
        Tracker t = tracker == null ? new Tracker(event) : tracker;
        t.add();
        if (Stages.completedNormally(sent)) {
            t.done();
            return t;
        }
        sent.whenComplete((ok, failure) -> {
            if (failure != null) {
                t.reject(new PublishRejectedException("re-keying event " + event.getId() + " of input '" + input
                        + "' for " + d + " to topic '" + topic + "' failed; the event is redelivered: " + failure,
                        failure));
            }
            t.done();
        });
        return t;
    }

    /** Re-publishes a long-held event as a re-parked copy under its key. */
    public CompletionStage<Void> repark(String input, CloudEvent event, long arrivedMillis) {
        String key = keyOf(event);
        // a fresh id per re-park (the original's plus when it was re-parked), so no duplicate window can swallow it
        String transitId = event.getId() + "~parked-" + System.currentTimeMillis() + "-" + PARKS.incrementAndGet();
        return send(CloudEventBuilder.from(event).withId(transitId).withExtension(PARKED_ID, event.getId())
                .withExtension(INPUTS, input).withExtension(PARKED, Long.toString(arrivedMillis)).build(),
                key == null ? SINGLE_KEY : key);
    }

    private CompletionStage<Void> send(CloudEvent copy, String key) {
        try {
            return bus.publish(topic, copy, key);
        } catch (RuntimeException e) {
            return Stages.failed(e);
        }
    }

    /**
     * The tracker of a source event routed with its bus acknowledgement (see class doc): its stage ends the event's
     * turn; the acknowledgement is held while a copy it caused is not accepted yet.
     */
    static final class HeldTurn extends Tracker {
        private final Acknowledgement acknowledgement;
        /** Copies not accepted yet, plus one for routing until {@link #routed()}. */
        private final AtomicInteger unaccepted = new AtomicInteger(1);
        /** Whether the acknowledgement was held; written by the dispatching thread before {@link #routed()}. */
        private boolean holding;
        private volatile boolean returned;

        HeldTurn(CloudEvent event, Acknowledgement acknowledgement) {
            super(event);
            this.acknowledgement = acknowledgement;
        }

        /** A copy was handed to the bus and is not accepted yet (dispatching thread, before the stage completes). */
        void publishing() {
            if (!holding) {
                holding = true;
                acknowledgement.hold();
                acknowledgement.whenReturned(() -> returned = true);
            }
            unaccepted.incrementAndGet();
        }

        /** Routing is over (after {@link #seal()}): releases at once if every copy was accepted meanwhile. */
        void routed() {
            if (unaccepted.decrementAndGet() == 0 && holding) {
                acknowledgement.release();
            }
        }

        /** A copy was accepted. */
        void accepted() {
            if (unaccepted.decrementAndGet() == 0) {
                acknowledgement.release();
            }
        }

        /** Whether the event will be redelivered anyway: taken back by the bus, or its stage failed. */
        boolean abandoned() {
            return returned || isCompletedExceptionally();
        }
    }

    /** Publishing one copy of a held event until it is accepted or the event is abandoned. */
    private final class Attempt implements BiConsumer<Void, Throwable>, Runnable {
        private final HeldTurn turn;
        private final CloudEvent copy;
        private final String key;
        private final String input;
        private final SubscriberDispatch dispatch;
        private int failed;

        Attempt(HeldTurn turn, CloudEvent copy, String key, String input, SubscriberDispatch dispatch) {
            this.turn = turn;
            this.copy = copy;
            this.key = key;
            this.input = input;
            this.dispatch = dispatch;
        }

        void watch(CompletionStage<Void> sent) {
            sent.whenComplete(this);
        }

        @Override
        public void accept(Void ok, Throwable failure) {
            if (failure == null) {
                turn.accepted();
                return;
            }
            failedPublishes.increment();
            failed++;
            boolean stop = turn.abandoned() || closed;
            failures.warn("re-keying event {} of input '{}' for {} to topic '{}' failed (attempt {}); {}: {}",
                    turn.event.getId(), input, dispatch, topic, failed, stop
                            ? "not retried, the bus redelivers the event" : "retried, the event stays unacknowledged",
                    failure.toString());
            if (stop) {
                return;
            }
            long delay = Math.min(RETRY_MAX_MILLIS, RETRY_INITIAL_MILLIS << Math.min(failed - 1, 20));
            try {
                scheduler.schedule(Duration.ofMillis(delay), this);
            } catch (RejectedExecutionException e) {
                // the runtime's scheduler stopped: it is closing, and the unacknowledged event is redelivered
                log.debug("retry of re-keying event {} not scheduled, the scheduler stopped", turn.event.getId());
            }
        }

        @Override
        public void run() {
            if (turn.abandoned() || closed) {
                return;
            }
            watch(send(copy, key));
        }
    }

    private static String clip(String part) {
        String p = part.replace('.', '_');
        return p.length() > 40 ? p.substring(0, 40) : p;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
