package io.switchboard.micrometer;

import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.Timer;
import io.switchboard.api.EventHandler;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;

import java.time.OffsetDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Times a handler sink: each timed call (attempt) into the handler-duration timer of its outcome, and, after a
 * successful one, the event's age (now minus its {@code time}) into the end-to-end latency timer.
 *
 * <p>Design note: the inline fast path calls {@link Handler#handle} once per event, so it is written to allocate
 * nothing: the start is a local {@code long}, {@code Timer.record(long, TimeUnit)} on a registered timer updates
 * striped adders in place, and reading {@code time} returns the event's stored {@link OffsetDateTime}. What it cannot
 * avoid is the clocks: on virtualised machines one {@code System.nanoTime()} costs 30–60 ns, more than the whole
 * inline dispatch of an event (about 20 ns), and a timed call reads the clock three times and records twice. So calls
 * may be sampled: with {@code sampleMask} {@code 2^k - 1}, a call is timed when the low {@code k} bits of a
 * thread-local random number are zero (one call in {@code 2^k}, decided without writing any shared state); the
 * timers' distributions stay unbiased, their counts are the sampled calls (exact counts are the counters').
 */
final class TimedSink {

    private TimedSink() {
    }

    /** {@code sampleMask}: 0 times every call, {@code 2^k - 1} one call in {@code 2^k}. */
    static Sink.Invoke wrap(Sink.Invoke sink, Timer success, Timer failure, Timer latency, int sampleMask) {
        EventHandler handler = sink.eventHandler();
        return new Sink.Invoke(new Invoker(sink.invoker(), success, failure, latency, sampleMask), sink.replies(),
                handler == null ? null : new Handler(handler, success, failure, latency, sampleMask));
    }

    /** Whether this call is not timed. */
    static boolean skip(int sampleMask) {
        return sampleMask != 0 && (ThreadLocalRandom.current().nextInt() & sampleMask) != 0;
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
        private final int sampleMask;

        Handler(EventHandler delegate, Timer success, Timer failure, Timer latency, int sampleMask) {
            this.delegate = delegate;
            this.success = success;
            this.failure = failure;
            this.latency = latency;
            this.sampleMask = sampleMask;
        }

        // kept small, with the timed call in a method of its own, so that the JIT inlines it into the dispatch
        @Override
        public void handle(CloudEvent event) throws Exception {
            if (skip(sampleMask)) {
                delegate.handle(event);
            } else {
                timed(event);
            }
        }

        private void timed(CloudEvent event) throws Exception {
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
        private final int sampleMask;

        Invoker(Sink.Invoker delegate, Timer success, Timer failure, Timer latency, int sampleMask) {
            this.delegate = delegate;
            this.success = success;
            this.failure = failure;
            this.latency = latency;
            this.sampleMask = sampleMask;
        }

        @Override
        public CompletionStage<CloudEvent> invoke(Firing firing) throws Exception {
            if (skip(sampleMask)) {
                return delegate.invoke(firing);
            }
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
