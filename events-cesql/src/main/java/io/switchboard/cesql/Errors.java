package io.switchboard.cesql;

import java.util.ArrayList;
import java.util.List;

/**
 * Where evaluation reports errors. Two modes: the shared {@link #FAIL_FAST} instance aborts the evaluation at the
 * first error by throwing {@link Abort} (no allocation, no state: safe to share between threads); a fresh
 * collecting instance records every error, as complete evaluation mode requires.
 *
 * <p>Nodes detect that an operand raised an error by comparing {@link #count} before and after evaluating it; in
 * fail-fast mode the count never changes because the first report throws.
 */
final class Errors {

    static final Errors FAIL_FAST = new Errors(null);

    /** Number of errors reported so far; only ever incremented on a collecting instance. */
    int count;

    private final List<CesqlError> list;

    private Errors(List<CesqlError> list) {
        this.list = list;
    }

    static Errors collecting() {
        return new Errors(new ArrayList<>(2));
    }

    List<CesqlError> list() {
        return list == null ? List.of() : list;
    }

    void missingAttribute(String name, int pos) {
        if (list == null) {
            throw Abort.INSTANCE;
        }
        add(CesqlErrorKind.MISSING_ATTRIBUTE, "the event has no attribute '" + name + "' (read at position " + pos
                + "); guard the read with EXISTS " + name);
    }

    void cast(Object value, String target, int pos, String why) {
        if (list == null) {
            throw Abort.INSTANCE;
        }
        add(CesqlErrorKind.CAST, "cannot cast " + Casts.describe(value) + " to " + target + " at position " + pos
                + ": " + why);
    }

    void math(String what, int pos) {
        if (list == null) {
            throw Abort.INSTANCE;
        }
        add(CesqlErrorKind.MATH, what + " at position " + pos);
    }

    void function(String function, String what, int pos) {
        if (list == null) {
            throw Abort.INSTANCE;
        }
        add(CesqlErrorKind.FUNCTION_EVALUATION, function + " at position " + pos + ": " + what);
    }

    void data(CesqlDataError error, CesqlDataPath path, int pos) {
        if (list == null) {
            throw Abort.INSTANCE;
        }
        add(error.kind(), "cannot read " + path + " (at position " + pos + "): " + error.description());
    }

    private void add(CesqlErrorKind kind, String message) {
        count++;
        list.add(new CesqlError(kind, message));
    }

    /**
     * Thrown by {@link #FAIL_FAST}; a preallocated singleton without stack trace, so aborting costs no allocation.
     * Never escapes {@link CompiledExpression}.
     */
    static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Abort INSTANCE = new Abort();

        private Abort() {
            super("CESQL evaluation aborted at the first error", null, false, false);
        }
    }
}
