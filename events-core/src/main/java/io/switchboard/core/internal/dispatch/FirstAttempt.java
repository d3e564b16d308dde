package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;

import java.util.concurrent.CompletionStage;

/**
 * The inline fast path's first attempt.
 *
 * <p>An inline subscriber whose policy needs nothing around an attempt (no rate limit, no attempt timeout) calls its
 * sink directly; when that first attempt has succeeded by the time it returns, the firing is done — exactly what the
 * delivery pipeline would have concluded — and nothing was allocated for it. Otherwise the firing goes to the
 * pipeline, whose sink is wrapped by {@link #replaying}: the wrapper answers the pipeline's first attempt with the
 * outcome already obtained (the thrown failure, or the pending stage) instead of calling the handler a second time,
 * so retries, dead letters and counters follow the pipeline's rules from attempt 1 on. The outcome is handed over in
 * a thread-local keyed by the firing's identity; the pipeline runs a first attempt on the calling thread. Should it
 * ever not, the wrapper finds no outcome for the firing and calls the sink (the attempt then runs twice, never zero
 * times).
 */
public final class FirstAttempt {

    private static final ThreadLocal<Outcome> PENDING = new ThreadLocal<>();

    private FirstAttempt() {
    }

    /** Whether {@code subscriber} qualifies for the fast path. */
    public static boolean eligible(Subscriber subscriber) {
        return subscriber.inline() && subscriber.sink() instanceof Sink.Invoke && subscriber.rateLimit() == null
                && subscriber.deliveryPolicy().attemptTimeout().isZero() && subscriber.batching() == null
                && subscriber.debounce() == null;
    }

    /** The sink the pipeline of a fast-path subscriber must use: replays the outcome of an attempt already made. */
    public static Sink replaying(Sink.Invoke sink) {
        Sink.Invoker real = sink.invoker();
        return new Sink.Invoke(firing -> {
            Outcome outcome = PENDING.get();
            if (outcome != null && outcome.firing == firing) {
                PENDING.remove();
                if (outcome.failure != null) {
                    throw rethrowable(outcome.failure);
                }
                return outcome.stage;
            }
            return real.invoke(firing);
        }, sink.replies());
    }

    /** Hands the first attempt's outcome to the pipeline's next attempt of {@code firing} on this thread. */
    static void handOver(Firing firing, CompletionStage<CloudEvent> stage, Throwable failure) {
        PENDING.set(new Outcome(firing, stage, failure));
    }

    /** Clears an outcome the pipeline did not take. */
    static void clear() {
        PENDING.remove();
    }

    private static Exception rethrowable(Throwable failure) {
        if (failure instanceof Exception e) {
            return e;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new RuntimeException(failure);
    }

    private record Outcome(Firing firing, CompletionStage<CloudEvent> stage, Throwable failure) {
    }
}
