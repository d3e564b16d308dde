package io.switchboard.cesql;

import io.cloudevents.CloudEvent;

/**
 * The data extension's node: a path into the event's data whose CESQL type, like an extension attribute's, is known
 * only per event. The value comes from the parser's {@link CesqlDataAccessor}; any non-value it answers (missing path,
 * object, fraction, unreadable data, or a broken accessor) becomes an evaluation error, never an exception.
 */
final class DataFields {

    /** Bound on path segments: real payload paths are a handful deep, and the bound keeps error text short. */
    static final int MAX_SEGMENTS = 32;

    private DataFields() {
    }

    static final class Field extends Node.AnyNode {
        final CesqlDataPath path;
        private final CesqlDataAccessor accessor;

        Field(CesqlDataPath path, CesqlDataAccessor accessor, int pos) {
            super(pos, 1);
            this.path = path;
            this.accessor = accessor;
        }

        @Override
        Object evalAny(CloudEvent event, Errors errors) {
            Object value;
            try {
                value = accessor.read(event, path);
            } catch (RuntimeException brokenAccessor) {
                value = CesqlDataError.UNREADABLE;
            }
            if (value instanceof Boolean || value instanceof Integer || value instanceof String) {
                return value;
            }
            CesqlDataError error = value instanceof CesqlDataError e ? e : CesqlDataError.UNREADABLE;
            errors.data(error, path, pos);
            return null;
        }
    }
}
