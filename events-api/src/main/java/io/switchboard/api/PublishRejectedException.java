package io.switchboard.api;

/** An event was not accepted: a full queue, a closed runtime, or a bus that refused or failed to store it. The event was not delivered and will not be. */
public class PublishRejectedException extends SwitchboardException {
    private static final long serialVersionUID = 1L;

    public PublishRejectedException(String message) {
        super(message);
    }

    public PublishRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
