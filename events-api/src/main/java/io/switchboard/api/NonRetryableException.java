package io.switchboard.api;

/** Thrown by a handler (or used as a cause) to say that retrying cannot help: the firing goes straight to the dead-letter sink. */
public class NonRetryableException extends SwitchboardException {
    private static final long serialVersionUID = 1L;

    public NonRetryableException(String message) {
        super(message);
    }

    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
