package io.switchboard.core.internal.delivery;

import io.cloudevents.CloudEvent;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.Firing;
import io.switchboard.api.NonRetryableException;
import io.switchboard.api.Scheduler;
import io.switchboard.api.Sink;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.internal.trigger.ThrottledLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;

/**
 * Runs the attempts of one subscriber's deliveries under its {@link DeliveryPolicy}: rate-limit permit, sink call with
 * a per-attempt timeout, exponential backoff with cap and jitter between attempts (lengthened, up to the cap, when the
 * failure asks for it: {@link RetryAfter}), and the dead letter at the end.
 *
 * <p>Design note: nothing here blocks or sleeps. Waiting (for a permit, a backoff, a timeout) is a task on the
 * {@link Scheduler}; the task only hands the next step to the executor, so scheduler threads stay free. The first
 * attempt runs on the caller's thread when a permit is available. Thread-safe; each delivery's state is confined to
 * its {@link Run}, whose steps happen one after another.
 */
final class Attempts {

    private static final Logger log = LoggerFactory.getLogger(Attempts.class);

    private final String owner;
    private final Sink sink;
    private final DeliveryPolicy policy;
    private final DeadLetters deadLetters;
    private final TokenBucket rateLimit;
    private final Scheduler scheduler;
    private final Executor executor;
    private final SubscriberCounters counters;
    private final DeliveryContext.TopicPublisher publisher;
    private final DoubleSupplier random;
    private final ThrottledLog droppedWarnings;

    Attempts(String owner, Sink sink, DeliveryPolicy policy, DeadLetters deadLetters, TokenBucket rateLimit,
             DeliveryContext context, DoubleSupplier random) {
        this.owner = owner;
        this.sink = sink;
        this.policy = policy;
        this.deadLetters = deadLetters;
        this.rateLimit = rateLimit;
        this.scheduler = context.scheduler();
        this.executor = context.executor();
        this.counters = context.counters();
        this.publisher = context.publisher();
        this.random = random;
        this.droppedWarnings = new ThrottledLog(log, scheduler.clock(), Duration.ofSeconds(10));
    }

    /** Starts delivering {@code outgoing}; the stage completes as {@link DeliveryPipeline#deliver} describes. */
    CompletableFuture<CloudEvent> send(Outgoing outgoing) {
        Run run = new Run(outgoing);
        run.acquirePermit();
        return run.result;
    }

    /**
     * The wait before the attempt after attempt {@code attempt} failed with {@code error}: the {@link #backoff(int)},
     * or what the failure asks for ({@link RetryAfter}) when that is longer, never above the policy's cap.
     */
    Duration backoff(int attempt, Throwable error) {
        Duration wait = backoff(attempt);
        if (error instanceof RetryAfter hint) {
            Duration asked = hint.retryAfter();
            if (asked != null && asked.compareTo(wait) > 0) {
                wait = asked.compareTo(policy.maxBackoff()) > 0 ? policy.maxBackoff() : asked;
            }
        }
        return wait;
    }

    /** The backoff before the attempt after attempt {@code attempt}: the policy's, jittered, never above its cap. */
    Duration backoff(int attempt) {
        long base = policy.backoffAfter(attempt).toNanos();
        double factor = 1.0 + policy.jitter() * (2.0 * random.getAsDouble() - 1.0);
        long jittered = (long) Math.min((double) policy.maxBackoff().toNanos(), Math.max(0.0, base * factor));
        return Duration.ofNanos(jittered);
    }

    /** One delivery's progress through its attempts. */
    private final class Run {
        final Outgoing outgoing;
        final CompletableFuture<CloudEvent> result = new CompletableFuture<>();
        int attempt;
        Instant firstAttempt;
        Instant lastAttempt;

        Run(Outgoing outgoing) {
            this.outgoing = outgoing;
        }

        void acquirePermit() {
            long wait = rateLimit == null ? 0 : rateLimit.reserve(nanos(scheduler.now()));
            if (wait <= 0) {
                attempt();
            } else if (!later(Duration.ofNanos(wait), this::attempt)) {
                giveUp(DeadLetters.SHUTDOWN, new RejectedExecutionException("the scheduler of " + owner
                        + " no longer accepts tasks, so the rate-limited attempt could not be scheduled"));
            }
        }

        void attempt() {
            attempt++;
            lastAttempt = scheduler.now();
            if (firstAttempt == null) {
                firstAttempt = lastAttempt;
            } else {
                counters.retried.increment();
            }
            CompletableFuture<CloudEvent> outcome = new CompletableFuture<>();
            Scheduler.Cancellable timer = null;
            Duration timeout = policy.attemptTimeout();
            if (!timeout.isZero()) {
                int number = attempt;
                // Armed before the call, so a handler that blocks its thread still times out.
                try {
                    timer = scheduler.schedule(timeout, () -> outcome.completeExceptionally(new TimeoutException(
                            "attempt " + number + " of " + owner + " did not finish within " + timeout)));
                } catch (RejectedExecutionException e) {
                    log.debug("{}: scheduler shut down; attempt {} runs without its timeout", owner, number);
                }
            }
            try {
                CompletionStage<CloudEvent> stage = invoke(outgoing.firing());
                if (stage == null) {
                    throw new IllegalStateException("the sink of " + owner + " returned no completion stage");
                }
                stage.whenComplete((reply, failure) -> {
                    if (failure == null) {
                        outcome.complete(reply);
                    } else {
                        outcome.completeExceptionally(failure);
                    }
                });
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
            Scheduler.Cancellable armed = timer;
            outcome.whenComplete((reply, failure) -> {
                if (armed != null) {
                    armed.cancel();
                }
                finished(reply, failure);
            });
        }

        void finished(CloudEvent reply, Throwable failure) {
            if (failure == null) {
                counters.delivered.add(outgoing.constituents().size());
                result.complete(reply);
                return;
            }
            Throwable error = unwrap(failure);
            counters.failed.increment();
            if (!policy.isRetryable(error)) {
                handOff(() -> giveUp(DeadLetters.NON_RETRYABLE, error));
            } else if (attempt >= policy.maxAttempts()) {
                handOff(() -> giveUp(DeadLetters.EXHAUSTED, error));
            } else {
                log.debug("{}: attempt {} of {} failed, retrying: {}", owner, attempt, policy.maxAttempts(), error.toString());
                if (!later(backoff(attempt, error), this::acquirePermit)) {
                    // The runtime is shutting down: park the firing with its last real failure instead of losing it.
                    giveUp(DeadLetters.SHUTDOWN, error);
                }
            }
        }

        void giveUp(String reason, Throwable error) {
            Instant now = scheduler.now();
            DeadLetters.Failure failure = new DeadLetters.Failure(reason, attempt, error,
                    firstAttempt == null ? now : firstAttempt, lastAttempt == null ? now : lastAttempt);
            List<DeadLetters.Letter> letters = DeadLetters.letters(outgoing.constituents());
            if (!deadLetters.hasSink()) {
                counters.deadLettered.add(outgoing.constituents().size());
                droppedWarnings.warn("{}: gave up on event(s) {} after {} attempt(s) ({}): {}; no dead-letter sink is"
                                + " configured, so they are dropped (counted as deadLettered)", owner, ids(letters), attempt,
                        reason, error.toString());
                result.completeExceptionally(error);
                return;
            }
            deadLetters.send(letters, failure).whenComplete((ok, sendFailure) -> {
                if (sendFailure == null) {
                    counters.deadLettered.add(outgoing.constituents().size());
                    log.debug("{}: dead-lettered event(s) {} after {} attempt(s) ({})", owner, ids(letters), attempt, reason);
                    result.completeExceptionally(error);
                } else {
                    // not counted as dead-lettered: the event is left for the bus to redeliver
                    Throwable cause = unwrap(sendFailure);
                    log.error("{}: gave up on event(s) {} after {} attempt(s) ({}: {}) and the dead-letter sink failed too;"
                            + " leaving them unsettled for redelivery", owner, ids(letters), attempt, reason, error.toString(), cause);
                    DeadLetterException dl = new DeadLetterException(owner + ": the dead-letter sink failed for event(s) "
                            + ids(letters) + " (" + cause + ") after delivery gave up (" + reason + ")", cause);
                    dl.addSuppressed(error);
                    result.completeExceptionally(dl);
                }
            });
        }
    }

    private CompletionStage<CloudEvent> invoke(Firing firing) throws Exception {
        if (sink instanceof Sink.Invoke invoke) {
            return invoke.invoker().invoke(firing);
        }
        Sink.Topic topic = (Sink.Topic) sink;
        List<CloudEvent> events = firing.batch();
        CompletableFuture<?>[] publishes = new CompletableFuture<?>[events.size()];
        for (int i = 0; i < publishes.length; i++) {
            CloudEvent transformed = topic.transform().apply(events.get(i));
            if (transformed == null) {
                throw new NonRetryableException("the transform of topic sink '" + topic.topic() + "' of " + owner
                        + " returned null for event " + events.get(i).getId());
            }
            publishes[i] = publisher.publish(topic.bus(), topic.topic(), transformed).toCompletableFuture();
        }
        return CompletableFuture.allOf(publishes).thenApply(v -> null);
    }

    /** Runs {@code step} on the executor after {@code delay}; {@code false} if the scheduler refused the task. */
    private boolean later(Duration delay, Runnable step) {
        try {
            scheduler.schedule(delay, () -> handOff(step));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Runs {@code step} on the executor, or here if the executor is shut down (work is never dropped). */
    private void handOff(Runnable step) {
        try {
            executor.execute(step);
        } catch (RejectedExecutionException e) {
            step.run();
        }
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String ids(List<DeadLetters.Letter> letters) {
        return letters.stream().map(l -> l.event().getId()).collect(Collectors.joining(", ", "[", "]"));
    }

    static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
