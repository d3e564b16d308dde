package io.switchboard.core.internal.http;

import io.switchboard.core.internal.delivery.RetryAfter;

import java.io.IOException;
import java.time.Duration;

/**
 * A retryable failure of an HTTP sink's request: the function answered 408, 429 or 5xx, did not answer in time, or
 * could not be reached. The subscriber's delivery policy retries it and then dead-letters the firing, with this
 * message (URL, status, an excerpt of the response) as the dead letter's error. Non-retryable answers are reported as
 * {@link io.switchboard.api.NonRetryableException} instead. A {@code Retry-After} answer lengthens the wait before the
 * retry ({@link RetryAfter}).
 */
final class HttpSinkException extends IOException implements RetryAfter {

    private static final long serialVersionUID = 1L;

    /** What the response's {@code Retry-After} asked for, or {@code null}. */
    private final Duration retryAfter;

    HttpSinkException(String message, Throwable cause) {
        this(message, cause, null);
    }

    HttpSinkException(String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }
}
