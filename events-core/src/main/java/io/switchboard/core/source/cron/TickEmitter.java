package io.switchboard.core.source.cron;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.SourceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * Turns tick instants into CloudEvents and emits them, counting the outcome. The id is
 * {@code <source name>@<scheduled instant>}, so instances running the same schedule produce the same id per tick
 * and a deduplicating bus keeps one. Thread-safe.
 */
final class TickEmitter {

    private static final Logger LOG = LoggerFactory.getLogger(TickEmitter.class);

    private final String name;
    private final String type;
    private final URI source;
    private final String dataContentType;
    private final byte[] data;
    private final LongAdder fired = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder missed = new LongAdder();
    private volatile SourceContext context;

    TickEmitter(String name, String type, URI source, String dataContentType, byte[] data) {
        this.name = name;
        this.type = type;
        this.source = source;
        this.dataContentType = dataContentType;
        this.data = data;
    }

    void bind(SourceContext context) {
        this.context = context;
    }

    static String id(String name, Instant tick) {
        return name + "@" + tick;
    }

    CloudEvent event(Instant tick) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(id(name, tick))
                .withSource(source)
                .withType(type)
                .withTime(tick.atOffset(ZoneOffset.UTC));
        if (data != null) {
            b.withData(dataContentType, data);
        }
        return b.build();
    }

    /** Emits the tick's event; the stage completes when the bus accepted it or failed to. */
    CompletionStage<Void> emit(Instant tick) {
        SourceContext ctx = context;
        if (ctx == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("source '" + name + "' is not started"));
        }
        CompletionStage<Void> stage;
        try {
            stage = ctx.emit(event(tick));
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.whenComplete((ok, failure) -> {
            if (failure == null) {
                fired.increment();
            } else {
                rejected.increment();
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (cause instanceof PublishRejectedException) {
                    LOG.warn("source '{}': tick {} rejected by the bus: {}", name, tick, cause.getMessage());
                } else {
                    LOG.error("source '{}': tick {} was not emitted", name, tick, cause);
                }
            }
        });
    }

    void missed(long count) {
        missed.add(count);
    }

    long fired() {
        return fired.sum();
    }

    long rejected() {
        return rejected.sum();
    }

    long missed() {
        return missed.sum();
    }
}
