package io.switchboard.core.internal.http;

import java.io.IOException;

/**
 * A retryable failure of an HTTP sink's request: the function answered 408, 429 or 5xx, did not answer in time, or
 * could not be reached. The subscriber's delivery policy retries it and then dead-letters the firing, with this
 * message (URL, status, an excerpt of the response) as the dead letter's error. Non-retryable answers are reported as
 * {@link io.switchboard.api.NonRetryableException} instead.
 */
final class HttpSinkException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The response status, or 0 when there was no response. */
    private final int status;

    HttpSinkException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    int status() {
        return status;
    }
}
