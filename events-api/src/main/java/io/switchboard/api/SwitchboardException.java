package io.switchboard.api;

/** The root of Switchboard's unchecked exceptions. */
public class SwitchboardException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SwitchboardException(String message) {
        super(message);
    }

    public SwitchboardException(String message, Throwable cause) {
        super(message, cause);
    }
}
