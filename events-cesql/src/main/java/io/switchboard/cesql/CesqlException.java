package io.switchboard.cesql;

/**
 * Thrown by {@link Cesql#parse(String)} and {@link CesqlParser#parse(String)} when an expression cannot be
 * compiled: {@link CesqlErrorKind#PARSE} for syntax errors and limits, {@link CesqlErrorKind#MISSING_FUNCTION}
 * for an unknown function name or a known name called with the wrong number of arguments.
 *
 * <p>Evaluation never throws this exception: evaluation errors are reported in {@link CesqlResult#errors()}.
 */
public final class CesqlException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final CesqlErrorKind kind;
    private final int position;

    /**
     * @param kind     the error type, non-null
     * @param position 0-based character offset in the expression where the problem was found, or -1 if none applies
     * @param message  what was wrong and what was expected, non-empty
     */
    public CesqlException(CesqlErrorKind kind, int position, String message) {
        super(message);
        if (kind == null) {
            throw new NullPointerException("kind");
        }
        if (message == null || message.isEmpty()) {
            throw new IllegalArgumentException("a CESQL exception needs a message saying what went wrong");
        }
        this.kind = kind;
        this.position = position;
    }

    /** @return the CESQL error type: {@link CesqlErrorKind#PARSE} or {@link CesqlErrorKind#MISSING_FUNCTION} */
    public CesqlErrorKind kind() {
        return kind;
    }

    /** @return the 0-based character offset in the expression where the problem was found, or -1 */
    public int position() {
        return position;
    }

    /** @return this exception as an error value, e.g. to report it next to evaluation errors */
    public CesqlError error() {
        return new CesqlError(kind, getMessage());
    }
}
