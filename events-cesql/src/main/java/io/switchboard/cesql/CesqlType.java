package io.switchboard.cesql;

/**
 * The primitive types of CESQL v1, used to declare the parameters and return type of user-defined functions
 * (see {@link Cesql.Builder#function}). URIs and timestamps are represented as {@link #STRING}.
 */
public enum CesqlType {
    /** {@link Boolean}; zero value {@code false}. */
    BOOLEAN(Boolean.FALSE),
    /** 32-bit signed {@link Integer}; zero value {@code 0}. */
    INTEGER(0),
    /** {@link String}, a sequence of Unicode code points; zero value {@code ""}. */
    STRING("");

    private final Object zero;

    CesqlType(Object zero) {
        this.zero = zero;
    }

    /** @return the zero value of this type: {@code false}, {@code 0} or {@code ""} */
    public Object zeroValue() {
        return zero;
    }

    /** @return true if {@code value} is a non-null instance of this type's Java class */
    public boolean isInstance(Object value) {
        return switch (this) {
            case BOOLEAN -> value instanceof Boolean;
            case INTEGER -> value instanceof Integer;
            case STRING -> value instanceof String;
        };
    }
}
