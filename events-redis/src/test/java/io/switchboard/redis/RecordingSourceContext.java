package io.switchboard.redis;

import io.cloudevents.CloudEvent;
import io.switchboard.api.RequestFailedException;
import io.switchboard.api.Scheduler;
import io.switchboard.api.SourceContext;
import io.switchboard.core.time.Schedulers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;

/** A source context that records what a source emits and answers each emit as told. */
final class RecordingSourceContext implements SourceContext, AutoCloseable {

    final List<CloudEvent> attempts = new CopyOnWriteArrayList<>();
    final List<CloudEvent> accepted = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, Schedulers.daemonThreads("test-source-timer"));
    private final Scheduler scheduler = Schedulers.system(timer);
    private volatile Function<CloudEvent, CompletionStage<Void>> answer = e -> CompletableFuture.completedFuture(null);

    RecordingSourceContext answering(Function<CloudEvent, CompletionStage<Void>> answer) {
        this.answer = answer;
        return this;
    }

    @Override
    public String sourceName() {
        return "redis-test";
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        attempts.add(event);
        CompletionStage<Void> stage = answer.apply(event);
        return stage.thenRun(() -> accepted.add(event));
    }

    @Override
    public CompletionStage<CloudEvent> request(String trigger, CloudEvent event, Duration timeout) {
        return CompletableFuture.failedFuture(new RequestFailedException(RequestFailedException.Reason.NO_MATCH, "no triggers in this test"));
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
