package io.switchboard.cesql;

/**
 * The body of a user-defined CESQL function, registered with {@link Cesql.Builder#function} or
 * {@link Cesql.Builder#variadicFunction}.
 *
 * <p>The engine casts every argument to its declared parameter type before the call (with CESQL's implicit
 * casting rules) and never calls the function when an argument already carries an error. The function must
 * return a non-null value of its declared return type ({@link Boolean}, {@link Integer} or {@link String}).
 * If it throws, returns null or returns a value of another type, the call yields the zero value of the return
 * type and a {@link CesqlErrorKind#FUNCTION_EVALUATION} error. To return a value <em>and</em> an error, call
 * {@link CesqlCall#reportError(String)} and return the value.
 *
 * <p>Functions are called concurrently from many threads and must be thread-safe. CESQL is referentially
 * transparent: a function must be pure (its result depends only on the arguments and the event), because the
 * engine may call it more than once per evaluation, e.g. to collect all errors after a fast attempt failed.
 */
@FunctionalInterface
public interface CesqlFunction {

    /**
     * @param call the event and the already-cast arguments; valid only during this call
     * @return the result, a non-null instance of the declared return type
     */
    Object apply(CesqlCall call);
}
