package io.switchboard.api;

/** A configuration mistake found when a runtime, trigger or component is built; the message names the thing and the fix. */
public class ConfigurationException extends SwitchboardException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
