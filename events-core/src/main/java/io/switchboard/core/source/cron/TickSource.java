package io.switchboard.core.source.cron;

import io.cloudevents.CloudEvent;
import io.switchboard.api.EventSource;
import io.switchboard.api.SourceContext;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What cron and timer sources share: a {@link Ticker} decides when, a {@link TickEmitter} turns ticks into events.
 * The public sources extend it, so its public methods are theirs. Thread-safe.
 */
abstract class TickSource implements EventSource {

    private final String name;
    private final Instant resumeAfter;
    final TickEmitter emitter;
    private final Ticker ticker;

    TickSource(TickBuilder<?> b, Ticker ticker, TickEmitter emitter) {
        this.name = b.name;
        this.resumeAfter = b.resumeAfter;
        this.emitter = emitter;
        this.ticker = ticker;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(SourceContext context) {
        Objects.requireNonNull(context, "context");
        emitter.bind(context);
        ticker.start(context.scheduler(), resumeAfter);
    }

    @Override
    public void close() {
        ticker.stop();
    }

    /**
     * The last tick handled — fired, or dropped by the misfire policy. Store it to resume after a restart with
     * {@code resumeAfter(Instant)} on the builder.
     */
    public Optional<Instant> lastTick() {
        return ticker.lastTick();
    }

    /** When the next tick is due; empty before start, after close, or when the schedule fires no more. */
    public Optional<Instant> nextTick() {
        return ticker.nextTick();
    }

    /** The event a tick at {@code scheduled} produces (what subscribers receive). */
    public CloudEvent eventFor(Instant scheduled) {
        return emitter.event(Objects.requireNonNull(scheduled, "scheduled"));
    }

    /** Ticks the bus accepted. */
    public long ticksFired() {
        return emitter.fired();
    }

    /** Ticks the bus refused (back-pressure or failure); they are logged, not retried. */
    public long ticksRejected() {
        return emitter.rejected();
    }

    /** Missed ticks the misfire policy dropped (a lower bound after very long pauses of very frequent cron schedules). */
    public long ticksMissed() {
        return emitter.missed();
    }
}
