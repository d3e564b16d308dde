package io.switchboard.cesql;

import io.cloudevents.CloudEvent;

/**
 * One invocation of a user-defined {@link CesqlFunction}: the event being evaluated and the arguments, already
 * cast to the declared parameter types.
 *
 * <p>Not thread-safe, valid only for the duration of {@link CesqlFunction#apply(CesqlCall)}; do not keep it.
 */
public interface CesqlCall {

    /** @return the event the expression is evaluated against, never null */
    CloudEvent event();

    /** @return the number of arguments of this call */
    int argumentCount();

    /**
     * @param index 0-based argument index
     * @return the argument: a non-null {@link Boolean}, {@link Integer} or {@link String} per its declared type
     * @throws IndexOutOfBoundsException if there is no such argument
     */
    Object argument(int index);

    /**
     * @param index 0-based index of an argument declared {@link CesqlType#STRING}
     * @return the argument
     * @throws ClassCastException if the parameter is not declared as STRING
     */
    default String stringArgument(int index) {
        return (String) argument(index);
    }

    /**
     * @param index 0-based index of an argument declared {@link CesqlType#INTEGER}
     * @return the argument
     * @throws ClassCastException if the parameter is not declared as INTEGER
     */
    default int intArgument(int index) {
        return (Integer) argument(index);
    }

    /**
     * @param index 0-based index of an argument declared {@link CesqlType#BOOLEAN}
     * @return the argument
     * @throws ClassCastException if the parameter is not declared as BOOLEAN
     */
    default boolean booleanArgument(int index) {
        return (Boolean) argument(index);
    }

    /**
     * Adds a {@link CesqlErrorKind#FUNCTION_EVALUATION} error to the evaluation; the value the function returns
     * is still used, as the spec requires for functions that return a value together with an error.
     *
     * @param message what was wrong with the arguments, non-empty
     */
    void reportError(String message);
}
