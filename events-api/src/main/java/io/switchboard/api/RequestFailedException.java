package io.switchboard.api;

import java.util.Objects;

/** A request (request/reply) produced no reply; {@link #reason()} says why. */
public class RequestFailedException extends SwitchboardException {
    private static final long serialVersionUID = 1L;

    /** Why a request failed. */
    public enum Reason {
        /** No subscriber with a replying sink matched the event. */
        NO_MATCH,
        /** More than one replying subscriber matched, so the reply would be ambiguous. */
        SEVERAL_MATCHES,
        /** The reply did not arrive within the timeout. */
        TIMEOUT,
        /** The replying handler failed (after its retries). */
        HANDLER_FAILED,
        /** The replying handler returned no event. */
        NO_REPLY,
        /**
         * The request's data does not satisfy the JSON Schema of the input it matched; the handler was not called. The
         * cause is the {@link InvalidDataException} with the violations.
         */
        INVALID_DATA
    }

    private final Reason reason;

    public RequestFailedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public RequestFailedException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
