package io.switchboard.cesql;

/**
 * Why a {@link CesqlDataAccessor} could not produce a CESQL value for a data path. Evaluation turns it into a
 * {@link CesqlError} of the stated {@link #kind()}, exactly like a missing attribute or a failed cast: the filter does
 * not pass, {@code evaluate} reports the error, nothing throws.
 */
public enum CesqlDataError {
    /** The event has no data. */
    NO_DATA(CesqlErrorKind.MISSING_ATTRIBUTE, "the event has no data"),
    /** The data is not JSON (content type or syntax), or exceeds the accessor's bounds on size or nesting depth. */
    UNREADABLE(CesqlErrorKind.GENERIC, "the event's data is not readable JSON within the configured bounds"),
    /** A member or array element along the path does not exist (or the value there is JSON {@code null}). */
    MISSING(CesqlErrorKind.MISSING_ATTRIBUTE, "the data has no value at this path"),
    /** The value at the path is an object or an array: CESQL has only Boolean, Integer and String values. */
    NOT_SCALAR(CesqlErrorKind.CAST, "the value at this path is an object or an array, not a CESQL value"),
    /** The value at the path is a number that is not a 32-bit integer (a fraction, or beyond the Integer range). */
    NOT_INTEGER(CesqlErrorKind.CAST, "the number at this path is not a 32-bit integer");

    private final CesqlErrorKind kind;
    private final String description;

    CesqlDataError(CesqlErrorKind kind, String description) {
        this.kind = kind;
        this.description = description;
    }

    /** @return the kind of the {@link CesqlError} evaluation reports for this outcome */
    public CesqlErrorKind kind() {
        return kind;
    }

    /** @return a sentence saying what went wrong */
    public String description() {
        return description;
    }
}
