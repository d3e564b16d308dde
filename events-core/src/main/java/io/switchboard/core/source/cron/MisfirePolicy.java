package io.switchboard.core.source.cron;

import io.switchboard.api.ConfigurationException;

import java.time.Duration;
import java.util.Objects;

/**
 * What a cron or fixed-rate timer source does with ticks it missed because the process was paused or down, or the
 * wall clock jumped forward. A tick is <em>missed</em> when the source wakes more than the misfire threshold
 * (default one minute, see {@code misfireThreshold(Duration)} on the builders) after its scheduled instant.
 *
 * <ul>
 *   <li>{@link #skip()}: missed ticks are dropped; only a tick that is on time fires.</li>
 *   <li>{@link #fireOnce()} (the default): one event for the latest missed tick, none for the earlier ones.</li>
 *   <li>{@link #catchUp(Duration, int)}: every missed tick no older than {@code maxAge}, oldest first, but at most
 *       {@code maxTicks} of them (the most recent ones) — never a burst of thousands.</li>
 * </ul>
 *
 * <p>Dropped ticks are counted ({@code missed()} on the source) and logged. Immutable and thread-safe.
 */
public final class MisfirePolicy {

    /** The kind of policy. */
    public enum Kind { SKIP, FIRE_ONCE, CATCH_UP }

    /** Default bound of {@link #catchUp(Duration)}. */
    public static final int DEFAULT_MAX_CATCH_UP_TICKS = 100;

    private static final MisfirePolicy SKIP = new MisfirePolicy(Kind.SKIP, Duration.ZERO, 0);
    private static final MisfirePolicy FIRE_ONCE = new MisfirePolicy(Kind.FIRE_ONCE, Duration.ZERO, 1);

    private final Kind kind;
    private final Duration maxAge;
    private final int maxTicks;

    private MisfirePolicy(Kind kind, Duration maxAge, int maxTicks) {
        this.kind = kind;
        this.maxAge = maxAge;
        this.maxTicks = maxTicks;
    }

    /** Drop missed ticks. */
    public static MisfirePolicy skip() {
        return SKIP;
    }

    /** Fire the latest missed tick once. */
    public static MisfirePolicy fireOnce() {
        return FIRE_ONCE;
    }

    /** Fire missed ticks no older than {@code maxAge}, at most {@value #DEFAULT_MAX_CATCH_UP_TICKS} of them. */
    public static MisfirePolicy catchUp(Duration maxAge) {
        return catchUp(maxAge, DEFAULT_MAX_CATCH_UP_TICKS);
    }

    /**
     * Fire missed ticks no older than {@code maxAge}, at most {@code maxTicks} (the most recent), oldest first.
     *
     * @throws ConfigurationException if {@code maxAge} is not positive or {@code maxTicks} is not in 1..10000
     */
    public static MisfirePolicy catchUp(Duration maxAge, int maxTicks) {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isZero() || maxAge.isNegative()) {
            throw new ConfigurationException("catch-up maxAge must be positive, got " + maxAge
                    + "; use skip() to drop missed ticks");
        }
        if (maxTicks < 1 || maxTicks > 10_000) {
            throw new ConfigurationException("catch-up maxTicks must be between 1 and 10000, got " + maxTicks);
        }
        return new MisfirePolicy(Kind.CATCH_UP, maxAge, maxTicks);
    }

    public Kind kind() {
        return kind;
    }

    /** For {@link Kind#CATCH_UP}: the oldest missed tick still fired; zero otherwise. */
    public Duration maxAge() {
        return maxAge;
    }

    /** For {@link Kind#CATCH_UP}: how many missed ticks at most fire after one pause. */
    public int maxTicks() {
        return maxTicks;
    }

    @Override
    public String toString() {
        return kind == Kind.CATCH_UP ? "CATCH_UP(maxAge=" + maxAge + ", maxTicks=" + maxTicks + ")" : kind.name();
    }
}
