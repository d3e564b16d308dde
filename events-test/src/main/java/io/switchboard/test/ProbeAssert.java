package io.switchboard.test;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Firing;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * AssertJ assertions over a {@link Probe}. Counting assertions wait — at most {@link #within(Duration) the timeout},
 * {@value #DEFAULT_TIMEOUT_SECONDS} s unless set — for asynchronous deliveries to arrive, then check the count is exact
 * and hand over to {@link CloudEventsAssert} for the events themselves:
 *
 * <pre>{@code
 * assertThat(probe).received(2).ofType("order.created").withSubjects("o-1", "o-2");
 * assertThat(probe).deadLettered(1).withExtension("dlattempts", 3);
 * }</pre>
 *
 * <p>Waiting stops as soon as the count is reached, so passing tests do not sleep. Not thread-safe.
 */
public final class ProbeAssert extends AbstractAssert<ProbeAssert, Probe> {

    /** How long counting assertions wait unless {@link #within(Duration)} says otherwise. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 5;

    private Duration timeout = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);

    ProbeAssert(Probe actual) {
        super(actual, ProbeAssert.class);
    }

    /** How long the following counting assertions wait for deliveries to arrive. */
    public ProbeAssert within(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /** Waits until the probe's sinks received {@code count} firings, and checks there are exactly that many. */
    public CloudEventsAssert received(int count) {
        return exactly("receive", count, actual::received);
    }

    /** Waits until the probe's sinks received at least {@code count} firings. */
    public CloudEventsAssert receivedAtLeast(int count) {
        isNotNull();
        awaitCount("receive at least", count, actual::received);
        return new CloudEventsAssert(actual.received());
    }

    /**
     * Checks the probe received nothing so far. It does not wait: call it once the events that could have reached
     * the probe were handled (e.g. after {@link SwitchboardHarness#awaitIdle()}).
     */
    public ProbeAssert receivedNothing() {
        isNotNull();
        List<CloudEvent> received = actual.received();
        if (!received.isEmpty()) {
            failWithMessage("expected probe '%s' to receive nothing but it received %d:%s", actual.name(),
                    received.size(), EventText.describe(received));
        }
        return this;
    }

    /** Waits until the dead-letter sink received {@code count} events, and checks there are exactly that many. */
    public CloudEventsAssert deadLettered(int count) {
        return exactly("dead-letter", count, actual::deadLettered);
    }

    /** Checks nothing was dead-lettered so far (does not wait). */
    public ProbeAssert deadLetteredNothing() {
        isNotNull();
        List<CloudEvent> dead = actual.deadLettered();
        if (!dead.isEmpty()) {
            failWithMessage("expected probe '%s' to dead-letter nothing but it received %d dead letters:%s",
                    actual.name(), dead.size(), EventText.describe(dead));
        }
        return this;
    }

    /** Waits until the replying sink produced {@code count} replies, and checks there are exactly that many. */
    public CloudEventsAssert replied(int count) {
        return exactly("reply", count, actual::replies);
    }

    /** Waits until the probe's sinks were attempted {@code count} times (failed attempts included), exactly. */
    public ProbeAssert attempted(int count) {
        isNotNull();
        awaitCount("be attempted", count, () -> java.util.Collections.nCopies(actual.attempts(), null));
        if (actual.attempts() != count) {
            failWithMessage("expected probe '%s' to be attempted %d times but it was attempted %d times",
                    actual.name(), count, actual.attempts());
        }
        return this;
    }

    /** Waits for {@code count} firings, exactly, and gives AssertJ list assertions over them (inputs, batches). */
    public ListAssert<Firing> fired(int count) {
        exactly("receive", count, actual::received);
        return Assertions.assertThat(actual.firings());
    }

    private CloudEventsAssert exactly(String verb, int count, Supplier<List<CloudEvent>> read) {
        isNotNull();
        awaitCount(verb, count, read);
        List<CloudEvent> events = read.get();
        if (events.size() != count) {
            failWithMessage("expected probe '%s' to %s %d event(s) but it did %d:%s", actual.name(), verb, count,
                    events.size(), EventText.describe(events));
        }
        return new CloudEventsAssert(events);
    }

    private void awaitCount(String verb, int count, Supplier<? extends List<?>> read) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        try {
            Awaitility.await().atMost(timeout).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(2)).until(() -> read.get().size() >= count);
        } catch (ConditionTimeoutException e) {
            List<?> found = read.get();
            @SuppressWarnings("unchecked")
            String shown = found.isEmpty() || found.get(0) instanceof CloudEvent
                    ? EventText.describe((List<CloudEvent>) found) : "";
            failWithMessage("expected probe '%s' to %s %d event(s) within %s but it did %d:%s", actual.name(), verb,
                    count, timeout, found.size(), shown);
        }
    }
}
