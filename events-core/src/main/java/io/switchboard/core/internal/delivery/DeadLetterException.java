package io.switchboard.core.internal.delivery;

import io.switchboard.api.SwitchboardException;

/**
 * Completes a delivery stage when the firing was given up <em>and</em> its dead-letter sink failed too: the event
 * is neither delivered nor parked anywhere, so the runtime should leave it unacknowledged for the bus to redeliver.
 * The delivery's last failure is attached as suppressed; the cause is the dead-letter sink's failure.
 *
 * <p>Any other exceptional completion of a delivery stage means the firing was settled (dead-lettered, or logged
 * and counted when there is no dead-letter sink).
 */
public final class DeadLetterException extends SwitchboardException {
    private static final long serialVersionUID = 1L;

    DeadLetterException(String message, Throwable cause) {
        super(message, cause);
    }
}
