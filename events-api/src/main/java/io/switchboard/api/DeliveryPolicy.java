package io.switchboard.api;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How a subscriber's firing is attempted: how many times, how long to wait between attempts (exponential
 * backoff with a cap and jitter), how long one attempt may take, and which failures are worth retrying.
 * After the last failed attempt the firing goes to the subscriber's dead-letter sink.
 *
 * <p>Immutable and thread-safe. {@link #defaults()}: 3 attempts, 100 ms doubling to at most 10 s, 20 % jitter,
 * no attempt timeout, every failure retried except {@link NonRetryableException}.
 */
public final class DeliveryPolicy {

    private static final DeliveryPolicy DEFAULTS = builder().build();
    private static final DeliveryPolicy NO_RETRIES = builder().maxAttempts(1).build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double multiplier;
    private final double jitter;
    private final Duration attemptTimeout;
    private final Predicate<Throwable> retryOn;

    private DeliveryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.multiplier = b.multiplier;
        this.jitter = b.jitter;
        this.attemptTimeout = b.attemptTimeout;
        this.retryOn = b.retryOn;
    }

    /** The default policy (see the class description). */
    public static DeliveryPolicy defaults() {
        return DEFAULTS;
    }

    /** One attempt, no retries. */
    public static DeliveryPolicy noRetries() {
        return NO_RETRIES;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Total attempts including the first; at least 1. */
    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public double multiplier() {
        return multiplier;
    }

    /** Fraction in [0, 1] by which each backoff is randomly shortened or lengthened. */
    public double jitter() {
        return jitter;
    }

    /** How long one attempt may run before it counts as failed; {@link Duration#ZERO} for no limit. */
    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    /**
     * Whether a failure is retried (when attempts remain). {@link NonRetryableException} anywhere in the cause
     * chain is never retried, whatever this predicate says.
     */
    public boolean isRetryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NonRetryableException) {
                return false;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return retryOn.test(failure);
    }

    /**
     * The backoff before attempt {@code attempt + 1} after attempt {@code attempt} (1-based) failed, without jitter:
     * {@code initialBackoff * multiplier^(attempt-1)}, capped at {@code maxBackoff}.
     */
    public Duration backoffAfter(int attempt) {
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        long capped = (long) Math.min(nanos, (double) maxBackoff.toNanos());
        return Duration.ofNanos(capped);
    }

    @Override
    public String toString() {
        return "DeliveryPolicy[maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + ".." + maxBackoff
                + " x" + multiplier + ", jitter=" + jitter + ", attemptTimeout=" + attemptTimeout + "]";
    }

    /** Builds a {@link DeliveryPolicy}; each setter validates its argument. Not thread-safe. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private double multiplier = 2.0;
        private double jitter = 0.2;
        private Duration attemptTimeout = Duration.ZERO;
        private Predicate<Throwable> retryOn = t -> true;

        private Builder() {
        }

        /** Total attempts including the first (at least 1). */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1 (1 = no retries), got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Exponential backoff: the first wait, the largest wait, and the growth factor (at least 1). */
        public Builder backoff(Duration initial, Duration max, double multiplier) {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(max, "max");
            if (initial.isNegative() || max.isNegative()) {
                throw new IllegalArgumentException("backoff durations must not be negative, got " + initial + " and " + max);
            }
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff " + max + " is shorter than initial backoff " + initial);
            }
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("backoff multiplier must be a finite number >= 1, got " + multiplier);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            this.multiplier = multiplier;
            return this;
        }

        /** Random spread of each backoff, a fraction in [0, 1]; 0 disables jitter. */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0.0 && jitter <= 1.0)) {
                throw new IllegalArgumentException("jitter must be between 0 and 1, got " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /** Longest time one attempt may take; {@link Duration#ZERO} for no limit. */
        public Builder attemptTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("attemptTimeout must not be negative, got " + timeout);
            }
            this.attemptTimeout = timeout;
            return this;
        }

        /** Which failures are retried; {@link NonRetryableException} is never retried regardless. */
        public Builder retryOn(Predicate<Throwable> retryOn) {
            this.retryOn = Objects.requireNonNull(retryOn, "retryOn");
            return this;
        }

        public DeliveryPolicy build() {
            return new DeliveryPolicy(this);
        }
    }
}
