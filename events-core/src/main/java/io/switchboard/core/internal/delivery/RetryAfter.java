package io.switchboard.core.internal.delivery;

import java.time.Duration;

/**
 * A failure that says how long to wait before the next attempt — an HTTP sink's {@code Retry-After} answer. The wait
 * before the retry is then the longer of the delivery policy's backoff and this delay, never more than the policy's
 * {@code maxBackoff}: the server may slow the retries down, but not stall the subscriber beyond what its policy allows.
 */
public interface RetryAfter {

    /** The delay the failure asks for, or {@code null} for none. */
    Duration retryAfter();
}
