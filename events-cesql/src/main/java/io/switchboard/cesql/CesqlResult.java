package io.switchboard.cesql;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link CesqlExpression#evaluate(io.cloudevents.CloudEvent)}: the value (primary output) and the
 * errors raised on the way (secondary output), as CESQL's complete evaluation mode defines them.
 *
 * <p>Immutable. {@code value} is a non-null {@link Boolean}, {@link Integer} or {@link String}; when errors were
 * raised it is the value the spec prescribes (often the zero value of the expression's type). {@code errors} is
 * an unmodifiable, possibly empty list in the order the errors were raised.
 *
 * @param value  {@link Boolean}, {@link Integer} or {@link String}, never null
 * @param errors the errors raised during evaluation, never null
 */
public record CesqlResult(Object value, List<CesqlError> errors) {

    static final CesqlResult TRUE = new CesqlResult(Boolean.TRUE, List.of());
    static final CesqlResult FALSE = new CesqlResult(Boolean.FALSE, List.of());

    /**
     * @throws NullPointerException     if an argument or an element of {@code errors} is null
     * @throws IllegalArgumentException if {@code value} is not a Boolean, Integer or String
     */
    public CesqlResult {
        Objects.requireNonNull(value, "value");
        if (!(value instanceof Boolean || value instanceof Integer || value instanceof String)) {
            throw new IllegalArgumentException("a CESQL value is a Boolean, Integer or String, not "
                    + value.getClass().getName());
        }
        errors = List.copyOf(errors);
    }

    /** @return true if no error was raised */
    public boolean isSuccess() {
        return errors.isEmpty();
    }

    /** @return true iff the value is {@code true} and no error was raised: the filter outcome */
    public boolean passes() {
        return Boolean.TRUE.equals(value) && errors.isEmpty();
    }
}
