package io.switchboard.test;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Firing;
import io.switchboard.api.ReplyHandler;
import io.switchboard.api.Sink;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A capturing sink for tests: plug {@link #sink()} into a subscriber (or {@link #deadLetterSink()} as its dead-letter
 * sink, or {@link #replying(ReplyHandler)} as a replying sink) and assert on what arrived with
 * {@link SwitchboardAssertions#assertThat(Probe)}.
 *
 * <pre>{@code
 * Probe shipped = harness.probe("shipped");
 * Trigger.builder("ship").input("paid", "type = 'payment.settled'").subscriber("ship", null, shipped.sink()).build();
 * ...
 * assertThat(shipped).received(1).ofType("payment.settled");
 * }</pre>
 *
 * <p>Thread-safe: sinks may be called from any dispatch thread while a test reads the probe.
 */
public final class Probe {

    private final String name;
    private final List<Firing> firings = new CopyOnWriteArrayList<>();
    private final List<CloudEvent> deadLetters = new CopyOnWriteArrayList<>();
    private final List<CloudEvent> replies = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();

    private Probe(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** A new, empty probe; {@code name} appears in assertion messages. */
    public static Probe named(String name) {
        return new Probe(name);
    }

    public String name() {
        return name;
    }

    /** A sink that records every firing. */
    public Sink sink() {
        return Sink.firing(firing -> {
            attempts.incrementAndGet();
            firings.add(firing);
        });
    }

    /**
     * A sink whose first {@code failures} attempts throw (to exercise retries and dead-lettering) and which records
     * the firings of later attempts. Every attempt counts in {@link #attempts()}.
     */
    public Sink sinkFailingFirst(int failures) {
        if (failures < 0) {
            throw new IllegalArgumentException("failures must not be negative, got " + failures);
        }
        AtomicInteger failed = new AtomicInteger();
        return Sink.firing(firing -> {
            attempts.incrementAndGet();
            if (failed.getAndIncrement() < failures) {
                throw new ProbeFailure("probe '" + name + "' fails attempt " + failed.get() + " of " + failures
                        + " on purpose (event " + firing.event().getId() + ")");
            }
            firings.add(firing);
        });
    }

    /** A sink that fails every attempt (so every firing ends in the dead-letter sink). */
    public Sink failingSink() {
        return Sink.firing(firing -> {
            attempts.incrementAndGet();
            throw new ProbeFailure("probe '" + name + "' fails every attempt on purpose (event "
                    + firing.event().getId() + ")");
        });
    }

    /** A sink to use as a subscriber's dead-letter sink: records each dead-lettered event with its failure metadata. */
    public Sink deadLetterSink() {
        return Sink.firing(firing -> deadLetters.add(firing.event()));
    }

    /**
     * A replying sink: {@code handler} answers each request; the probe records the request as a received firing and
     * the reply (if not {@code null}) as a reply.
     */
    public Sink replying(ReplyHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return new Sink.Invoke(firing -> {
            attempts.incrementAndGet();
            firings.add(firing);
            CloudEvent reply = handler.handle(firing.event());
            if (reply != null) {
                replies.add(reply);
            }
            return CompletableFuture.completedFuture(reply);
        }, true);
    }

    /** The completing event of every recorded firing, in arrival order. */
    public List<CloudEvent> received() {
        return firings.stream().map(Firing::event).toList();
    }

    /** Every recorded firing, in arrival order (all contributing events by input name, and batches). */
    public List<Firing> firings() {
        return List.copyOf(firings);
    }

    /** Events that reached {@link #deadLetterSink()}, in arrival order. */
    public List<CloudEvent> deadLettered() {
        return List.copyOf(deadLetters);
    }

    /** Replies produced through {@link #replying(ReplyHandler)}, in order. */
    public List<CloudEvent> replies() {
        return List.copyOf(replies);
    }

    /** Attempts made on this probe's sinks, failed ones included (dead-letter sink excluded). */
    public int attempts() {
        return attempts.get();
    }

    /** Forgets everything recorded so far. */
    public void clear() {
        firings.clear();
        deadLetters.clear();
        replies.clear();
        attempts.set(0);
    }

    @Override
    public String toString() {
        return "Probe[" + name + ": received=" + firings.size() + ", deadLettered=" + deadLetters.size()
                + ", replies=" + replies.size() + ", attempts=" + attempts.get() + "]";
    }

    /** The failure a probe's failing sinks throw on purpose. */
    public static final class ProbeFailure extends RuntimeException {
        ProbeFailure(String message) {
            super(message);
        }
    }
}
