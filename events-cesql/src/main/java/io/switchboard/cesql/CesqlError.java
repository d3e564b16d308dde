package io.switchboard.cesql;

import java.util.Objects;

/**
 * One error raised while evaluating (or parsing) a CESQL expression.
 *
 * <p>Immutable; both components are non-null and the message is never empty.
 *
 * @param kind    the CESQL error type
 * @param message what went wrong, where in the expression, and how to avoid it
 */
public record CesqlError(CesqlErrorKind kind, String message) {

    /**
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the message is empty
     */
    public CesqlError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
        if (message.isEmpty()) {
            throw new IllegalArgumentException("a CESQL error needs a message saying what went wrong");
        }
    }
}
