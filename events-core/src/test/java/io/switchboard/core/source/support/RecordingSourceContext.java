package io.switchboard.core.source.support;

import io.cloudevents.CloudEvent;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.RequestFailedException;
import io.switchboard.api.Scheduler;
import io.switchboard.api.SourceContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * A test-only {@link SourceContext}: records accepted events, can refuse them (back-pressure) and answers
 * requests with per-trigger functions. Stands in for the runtime until sources are tested end to end.
 */
public final class RecordingSourceContext implements SourceContext {

    private final String sourceName;
    private final Scheduler scheduler;
    private final ConcurrentLinkedQueue<CloudEvent> emitted = new ConcurrentLinkedQueue<>();
    private final Map<String, Function<CloudEvent, CompletionStage<CloudEvent>>> replies = new ConcurrentHashMap<>();
    private volatile Function<CloudEvent, CompletionStage<Void>> acceptance = e -> CompletableFuture.completedFuture(null);

    public RecordingSourceContext(String sourceName, Scheduler scheduler) {
        this.sourceName = sourceName;
        this.scheduler = scheduler;
    }

    /** Decides per event whether the "bus" accepts it; recorded only when the returned stage succeeds. */
    public RecordingSourceContext acceptWith(Function<CloudEvent, CompletionStage<Void>> acceptance) {
        this.acceptance = acceptance;
        return this;
    }

    /** Refuses every event as a full bus would. */
    public RecordingSourceContext rejectAll() {
        return acceptWith(e -> CompletableFuture.failedFuture(new PublishRejectedException("queue full (test)")));
    }

    /** Answers requests to {@code trigger} with {@code reply}. */
    public RecordingSourceContext onRequest(String trigger, Function<CloudEvent, CompletionStage<CloudEvent>> reply) {
        replies.put(trigger, reply);
        return this;
    }

    /** The accepted events so far, in acceptance order (a snapshot). */
    public List<CloudEvent> emitted() {
        return List.copyOf(emitted);
    }

    /** Forgets the events recorded so far. */
    public void clear() {
        emitted.clear();
    }

    @Override
    public String sourceName() {
        return sourceName;
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        return acceptance.apply(event).thenRun(() -> emitted.add(event));
    }

    @Override
    public CompletionStage<CloudEvent> request(String trigger, CloudEvent event, Duration timeout) {
        Function<CloudEvent, CompletionStage<CloudEvent>> reply = replies.get(trigger);
        if (reply == null) {
            return CompletableFuture.failedFuture(new RequestFailedException(RequestFailedException.Reason.NO_MATCH,
                    "no trigger named '" + trigger + "'"));
        }
        return reply.apply(event);
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }
}
