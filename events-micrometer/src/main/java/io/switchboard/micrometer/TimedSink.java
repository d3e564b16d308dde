package io.switchboard.micrometer;

import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.Timer;
import io.switchboard.api.EventHandler;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;

import java.time.OffsetDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Times a handler sink: each call (attempt) into the handler-duration timer of its outcome, and, after a successful
 * call, the event's age (now minus its {@code time}) into the end-to-end latency timer.
 *
 * <p>Design note: the inline fast path calls {@link Handler#handle} once per event, so it is written to allocate
 * nothing: the start is a local {@code long}, {@code Timer.record(long, TimeUnit)} on a registered timer updates
 * striped adders in place, and reading {@code time} returns the event's stored {@link OffsetDateTime}.
 */
final class TimedSink {

    private TimedSink() {
    }

    static Sink.Invoke wrap(Sink.Invoke sink, Timer success, Timer failure, Timer latency) {
        EventHandler handler = sink.eventHandler();
        return new Sink.Invoke(new Invoker(sink.invoker(), success, failure, latency), sink.replies(),
                handler == null ? null : new Handler(handler, success, failure, latency));
    }

    /** Records the age of {@code event} at the end of its delivery, if it says when it happened. */
    static void age(CloudEvent event, Timer latency) {
        OffsetDateTime time = event.getTime();
        if (time != null) {
            long millis = System.currentTimeMillis() - (time.toEpochSecond() * 1000L + time.getNano() / 1_000_000);
            latency.record(millis, TimeUnit.MILLISECONDS); // negative (clock skew) is ignored by the timer
        }
    }

    static final class Handler implements EventHandler {
        private final EventHandler delegate;
        private final Timer success;
        private final Timer failure;
        private final Timer latency;

        Handler(EventHandler delegate, Timer success, Timer failure, Timer latency) {
            this.delegate = delegate;
            this.success = success;
            this.failure = failure;
            this.latency = latency;
        }

        @Override
        public void handle(CloudEvent event) throws Exception {
            long start = System.nanoTime();
            try {
                delegate.handle(event);
            } catch (Throwable t) {
                failure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                throw t;
            }
            success.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            age(event, latency);
        }
    }

    static final class Invoker implements Sink.Invoker {
        private final Sink.Invoker delegate;
        private final Timer success;
        private final Timer failure;
        private final Timer latency;

        Invoker(Sink.Invoker delegate, Timer success, Timer failure, Timer latency) {
            this.delegate = delegate;
            this.success = success;
            this.failure = failure;
            this.latency = latency;
        }

        @Override
        public CompletionStage<CloudEvent> invoke(Firing firing) throws Exception {
            long start = System.nanoTime();
            CompletionStage<CloudEvent> stage;
            try {
                stage = delegate.invoke(firing);
            } catch (Throwable t) {
                failure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                throw t;
            }
            if (stage == null) {
                return null; // the runtime reports the missing stage
            }
            if (stage instanceof CompletableFuture<CloudEvent> future && future.isDone()) {
                finished(firing, start, future.isCompletedExceptionally());
            } else {
                stage.whenComplete((reply, error) -> finished(firing, start, error != null));
            }
            return stage;
        }

        private void finished(Firing firing, long start, boolean failed) {
            (failed ? failure : success).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (!failed) {
                for (CloudEvent event : firing.batch()) {
                    age(event, latency);
                }
            }
        }
    }
}
