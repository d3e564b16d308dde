package io.switchboard.cesql;

/**
 * The error types of CESQL v1 (spec section 3.3). {@link #PARSE} and {@link #MISSING_FUNCTION} are raised while
 * parsing, as a {@link CesqlException}; the others are collected during evaluation into
 * {@link CesqlResult#errors()}.
 */
public enum CesqlErrorKind {
    /** The expression is not valid CESQL: bad token, unbalanced parenthesis, trailing input, too long or too deep. */
    PARSE,
    /** An arithmetic operator or function failed: division by zero, 32-bit overflow. */
    MATH,
    /** An implicit or explicit cast failed, e.g. {@code 'abc'} to Integer. */
    CAST,
    /** The expression reads an attribute the event does not have. */
    MISSING_ATTRIBUTE,
    /** The expression calls a function that is not registered with that number of arguments. */
    MISSING_FUNCTION,
    /** A function rejected its arguments, e.g. {@code LEFT('abc', -1)}, or a user-defined function failed. */
    FUNCTION_EVALUATION,
    /** Any other error. */
    GENERIC
}
