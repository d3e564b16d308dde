package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.EventBus;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.core.internal.trigger.AttributeReader;
import io.switchboard.core.internal.trigger.ThrottledLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * The first hop of a correlated subscriber on a durable bus shared by several instances (docs/scaling.md): instead
 * of offering an event that passed one of its input filters to the firing gate of this instance, re-publish it to the
 * subscriber's correlation topic on the same bus, keyed by its correlation value, so that all events of one key meet
 * on the one member that owns the key's partition; {@link CorrelationInlet} offers them to the gate there.
 *
 * <p>The copy carries the input's name in extension {@value #INPUTS} (stripped before the gate and the handler see the
 * event). The source event's stage waits for the bus to accept the copy, so it is acknowledged only then. An event
 * without the correlation attribute is counted as uncorrelated here and not re-published.
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

    private final EventBus bus;
    private final String busName;
    private final String topic;
    private final AttributeReader correlation;
    private final ThrottledLog uncorrelated;

    /**
     * @param correlateBy the correlation attribute, or {@code null}: one fixed key
     */
    public CorrelationHop(EventBus bus, String busName, String topic, String correlateBy, InstantSource clock) {
        this.bus = bus;
        this.busName = busName;
        this.topic = topic;
        this.correlation = correlateBy == null ? null : AttributeReader.of(correlateBy);
        this.uncorrelated = new ThrottledLog(log, clock, Duration.ofSeconds(10));
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
        CompletionStage<Void> sent = send(CloudEventBuilder.from(event).withExtension(INPUTS, input).build(), key);
        d.counters.rekeyed.increment();
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
